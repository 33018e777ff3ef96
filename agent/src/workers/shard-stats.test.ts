// --workers self-metrics: the primary adds each shard's increase since its previous snapshot, so
// counters stay monotonic across a shard restart, and gauges sum the shards' latest values.
import { describe, expect, it } from 'vitest'
import { SampleStage } from '../self-metrics/self-metric.test-support.js'
import { SelfMetrics } from '../self-metrics/self-registry.js'
import { ShardStatsMerger } from './shard-stats.js'

describe('ShardStatsMerger', () => {
  it('adds each shard increase, sums gauges, and keeps counters monotonic across a restart', () => {
    const primary = new SampleStage()
    const merger = new ShardStatsMerger(new SelfMetrics().register(...primary.selfMetrics))
    merger.add(0, { x_received_total: 5, x_open: 2, 'x_invalid_total{reason="long"}': 1 })
    merger.add(1, { x_received_total: 4, x_open: 1 })
    merger.add(0, { x_received_total: 8, x_open: 1, 'x_invalid_total{reason="long"}': 1 })
    expect([primary.received, primary.open, primary.invalid[1]]).toEqual([12, 2, 1])
    // Worker 1 dies: its connections are gone; its replacement counts from 0 again.
    merger.forget(1)
    expect([primary.received, primary.open]).toEqual([12, 1])
    merger.add(1, { x_received_total: 2, x_open: 3 })
    expect([primary.received, primary.open]).toEqual([14, 4])
    // A shard whose counter went down with no exit seen (a restart between reads) counts from 0.
    merger.add(0, { x_received_total: 1, x_open: 1 })
    expect([primary.received, primary.open, primary.invalid[1]]).toEqual([15, 4, 1])
  })

  it('reports datagrams per worker from the latest snapshots, 0 for one not heard from', () => {
    const merger = new ShardStatsMerger(new SelfMetrics())
    merger.add(1, { taskmeter_datagrams_received_total: 9 })
    expect(merger.datagramsByWorker(2)).toEqual([0, 9])
  })
})
