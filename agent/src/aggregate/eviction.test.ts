import { describe, expect, it } from 'vitest'
import { Aggregator } from './aggregator.js'

function aggregatorAt(clock: { ms: number }, maxSeries = 100): Aggregator {
  return new Aggregator({ windowSeconds: 60, precision: 2, maxSeries, now: () => clock.ms })
}

describe('Aggregator.evictIdle (--ttl)', () => {
  it('evicts tasks and custom series not updated for the TTL, keeps the rest', () => {
    const clock = { ms: 0 }
    const aggregator = aggregatorAt(clock)
    const old = aggregator.task('old', null)
    const counter = aggregator.series('counter', 'hits', null)
    if (old === null || counter === null) throw new Error('series refused')
    aggregator.recordRequest(old, 5, false, 1)
    aggregator.addCounter(counter, 1)
    clock.ms = 9_000
    const fresh = aggregator.task('fresh', null)
    if (fresh === null) throw new Error('series refused')
    aggregator.recordRequest(fresh, 5, false, 1)
    clock.ms = 10_001
    expect(aggregator.evictIdle(10_000)).toBe(2)
    expect([...aggregator.tasks.keys()]).toEqual(['fresh'])
    expect(aggregator.custom.size).toBe(0)
    expect(aggregator.seriesEvicted).toBe(2)
    expect(aggregator.seriesCount).toBe(1)
  })

  it('never evicts with ttl 0', () => {
    const clock = { ms: 0 }
    const aggregator = aggregatorAt(clock)
    aggregator.task('a', null)
    clock.ms = 1e12
    expect(aggregator.evictIdle(0)).toBe(0)
    expect(aggregator.tasks.size).toBe(1)
  })

  it('keeps a task with work in flight even when it has no new requests', () => {
    const clock = { ms: 0 }
    const aggregator = aggregatorAt(clock)
    const task = aggregator.task('long', null)
    if (task === null) throw new Error('series refused')
    aggregator.taskStarted(task)
    clock.ms = 60_000
    expect(aggregator.evictIdle(1_000)).toBe(0)
    expect(aggregator.tasks.has('long')).toBe(true)
  })

  it('frees room under --max-series and forgets evicted family kinds', () => {
    const clock = { ms: 0 }
    const aggregator = aggregatorAt(clock, 2)
    aggregator.series('counter', 'x', null)
    aggregator.task('t', null)
    expect(aggregator.task('u', null)).toBeNull()
    clock.ms = 5_000
    expect(aggregator.evictIdle(1_000)).toBe(2)
    // 'x' was a counter; once evicted the name may be used as a gauge, and there is room again.
    expect(aggregator.series('gauge', 'x', null)).not.toBeNull()
    expect(aggregator.task('u', null)).not.toBeNull()
  })
})
