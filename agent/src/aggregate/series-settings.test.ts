// A mapping rule's own TTL evicts its series even when --ttl is 0, and only its series.
import { describe, expect, it } from 'vitest'
import { Aggregator } from './aggregator.js'
import type { SeriesSettings } from './series-settings.js'

describe('per-series settings', () => {
  it('evicts a series after its own ttl, others after the agent ttl (0 = never)', () => {
    let nowMs = 0
    const aggregator = new Aggregator({ windowSeconds: 60, precision: 2, maxSeries: 100, now: () => nowMs })
    const short: SeriesSettings = { help: null, ttlMs: 1_000, bucketsSeconds: null }
    const mappedTask = aggregator.task('mapped', null, short)
    const plainTask = aggregator.task('plain', null)
    const mappedCounter = aggregator.series('counter', 'mapped_c', null, 1, short)
    expect(mappedTask?.settings).toBe(short)
    expect(plainTask?.settings).toBeNull()
    expect(mappedCounter?.settings).toBe(short)
    nowMs = 999
    expect(aggregator.evictIdle(0)).toBe(0)
    nowMs = 1_500
    expect(aggregator.evictIdle(0)).toBe(2)
    expect([...aggregator.tasks.keys()]).toEqual(['plain'])
    expect(aggregator.custom.size).toBe(0)
    nowMs = 10_000
    expect(aggregator.evictIdle(5_000)).toBe(1)
  })

  it('charges a task with its own buckets for those buckets in the scrape budget', () => {
    const aggregator = new Aggregator({ windowSeconds: 60, precision: 2, maxSeries: 100, taskBuckets: 12 })
    aggregator.task('a', null)
    const twelve = aggregator.scrape.bytes
    aggregator.task('b', null, { help: null, ttlMs: null, bucketsSeconds: [0.1, 1, 10, 100, 1000, 1e4, 1e5, 1e6] })
    // 'b' has as many letters as 'a': only its 4 fewer bucket lines differ.
    expect(aggregator.scrape.bytes - twelve).toBeLessThan(twelve)
    expect(aggregator.scrape.bytes - twelve).toBeGreaterThan(twelve * 0.7)
  })
})
