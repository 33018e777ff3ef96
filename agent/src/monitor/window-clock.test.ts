import { afterEach, describe, expect, it, vi } from 'vitest'
import { Aggregator } from '../aggregate/aggregator.js'
import { WindowClock } from './window-clock.js'

afterEach(() => {
  vi.useRealTimers()
})

describe('WindowClock', () => {
  it('reads the time once per tick while calls come, stops after an idle tick, restarts fresh', () => {
    vi.useFakeTimers()
    let nowMs = 0
    // A 12 s window: 1 s sub-windows, a tick every 100 ms.
    const aggregator = new Aggregator({ windowSeconds: 12, precision: 2, maxSeries: 10, now: () => nowMs })
    const clock = new WindowClock(aggregator)
    expect(clock.tickMs).toBe(100)
    const task = aggregator.task('t', null)
    if (task === null) throw new Error('no task')
    const recordAt = (ms: number): number => {
      nowMs = ms
      clock.touch()
      aggregator.recordRequest(task, 1, false, 1)
      return task.lastUpdateMs
    }
    expect(vi.getTimerCount()).toBe(0) // nothing before the first call
    expect(recordAt(10)).toBe(10)
    expect(vi.getTimerCount()).toBe(1)
    expect(recordAt(60)).toBe(10) // same tick: the reading taken at the first call
    nowMs = 105
    vi.advanceTimersByTime(100) // a tick after calls: a fresh reading
    expect(recordAt(150)).toBe(105)
    nowMs = 205
    vi.advanceTimersByTime(100)
    nowMs = 305
    vi.advanceTimersByTime(100) // no call since the last tick: the ticker stops
    expect(vi.getTimerCount()).toBe(0)
    expect(recordAt(5_000)).toBe(5_000) // the next call starts from a fresh reading
    expect(vi.getTimerCount()).toBe(1)
    clock.stop()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('ticks every 8 ms for the smallest (1 s) window', () => {
    const aggregator = new Aggregator({ windowSeconds: 1, precision: 2, maxSeries: 10 })
    expect(new WindowClock(aggregator).tickMs).toBe(8)
  })
})
