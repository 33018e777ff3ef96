import { describe, expect, it } from 'vitest'
import { Aggregator } from './aggregator.js'
import { histogramQuantiles } from './aggregator.test-support.js'
import { BucketLayout, msToUs } from './bucket-layout.js'
import { SLOT_COUNT, SlidingWindow, type WindowTotals } from './sliding-window.js'
import { QUANTILES, TaskFigures } from './task-figures.js'
import type { TaskStats } from './task-stats.js'

// Time is injected, so that tests are deterministic and never sleep: every test moves this clock by hand.
class ManualClock {
  ms: number
  constructor(startMs: number) {
    this.ms = startMs
  }
  readonly now = (): number => this.ms
}

const WINDOW_SECONDS = 60
const SLOT_MS = (WINDOW_SECONDS * 1000) / SLOT_COUNT // 5 s

function setup(startMs = 0): { clock: ManualClock; aggregator: Aggregator; figures: TaskFigures; task: TaskStats } {
  const clock = new ManualClock(startMs)
  const aggregator = new Aggregator({ windowSeconds: WINDOW_SECONDS, precision: 2, maxSeries: 100, now: clock.now })
  const task = aggregator.task('predict', null)
  if (task === null) throw new Error('series cap reached in setup')
  return { clock, aggregator, figures: new TaskFigures(aggregator), task }
}

function readWindow(figures: TaskFigures, task: TaskStats): number[] {
  const out = new Float64Array(QUANTILES.length)
  figures.readWindow(task, out)
  return [...out]
}

function emptyTotals(): WindowTotals {
  return { requests: 0, errors: 0, sumMs: 0, coveredMs: 0 }
}

describe('SlidingWindow through the Aggregator', () => {
  it('sums totals and percentiles over every live slot', () => {
    const { clock, aggregator, figures, task } = setup()
    const durations: number[] = []
    // Three different slots, the last one still being written.
    for (const [atMs, baseMs] of [
      [1_000, 1],
      [12_000, 40],
      [23_000, 300],
    ] as const) {
      clock.ms = atMs
      for (let i = 0; i < 50; i++) {
        const durationMs = baseMs + i * 0.5
        aggregator.recordRequest(task, durationMs, i % 10 === 0, 1)
        durations.push(durationMs)
      }
    }
    clock.ms = 24_000
    const quantiles = readWindow(figures, task)
    expect(figures.totals.requests).toBe(150)
    expect(figures.totals.errors).toBe(15)
    expect(figures.totals.sumMs).toBeCloseTo(
      durations.reduce((a, b) => a + b, 0),
      9,
    )
    expect(quantiles).toEqual(histogramQuantiles(aggregator.layout, durations))
    expect(figures.windowMaxUs()).toBe(
      aggregator.layout.highestOfFlat(figures.buckets.flats[figures.buckets.length - 1] ?? 0),
    )
    expect(figures.windowMaxUs()).toBeGreaterThanOrEqual(msToUs(324.5))
  })

  it('drops a slot once it falls out of the window, and everything after a quiet window', () => {
    const { clock, aggregator, figures, task } = setup()
    clock.ms = 0
    for (let i = 0; i < 10; i++) aggregator.recordRequest(task, 500, true, 1)
    clock.ms = 30_000
    for (let i = 0; i < 10; i++) aggregator.recordRequest(task, 5, false, 1)

    // The slot [0, 5 s) is live until the window has moved past it.
    clock.ms = WINDOW_SECONDS * 1000 - 1
    let quantiles = readWindow(figures, task)
    expect(figures.totals.requests).toBe(20)
    expect(figures.totals.errors).toBe(10)
    expect(quantiles[3]).toBeGreaterThanOrEqual(msToUs(500))

    clock.ms = WINDOW_SECONDS * 1000
    quantiles = readWindow(figures, task)
    expect(figures.totals.requests).toBe(10)
    expect(figures.totals.errors).toBe(0)
    expect(figures.totals.sumMs).toBe(50)
    expect(quantiles).toEqual(histogramQuantiles(aggregator.layout, new Array<number>(10).fill(5)))
    expect(figures.windowMaxUs()).toBeLessThan(msToUs(5.1))

    // The 30 s slot expires at 30 s + one window.
    clock.ms = 30_000 + WINDOW_SECONDS * 1000
    quantiles = readWindow(figures, task)
    expect(figures.totals).toMatchObject({ requests: 0, errors: 0, sumMs: 0 })
    expect(quantiles).toEqual([0, 0, 0, 0])
    expect(figures.windowMaxUs()).toBe(0)
    expect(figures.windowRate()).toBe(0)

    // The cumulative figures are not windowed.
    expect(task.completed).toBe(20)
    expect(task.histogram.totalCount).toBe(20)
  })

  it('slides by one sub-window at a time: requests fall by at most one slot between reads', () => {
    const { clock, aggregator, figures, task } = setup()
    let previous = 0
    for (let second = 0; second <= 180; second++) {
      clock.ms = second * 1000
      aggregator.recordRequest(task, 10, false, 1)
      readWindow(figures, task)
      // Live slots are the current epoch and the 11 before it: seconds ≥ (epoch − 11) · 5 s.
      const epoch = Math.floor(clock.ms / SLOT_MS)
      const oldestLiveSecond = Math.max(0, ((epoch - (SLOT_COUNT - 1)) * SLOT_MS) / 1000)
      expect(figures.totals.requests).toBe(second - oldestLiveSecond + 1)
      // At 1 request/s one slot holds 5 requests: a boundary loses those 5, gains the new one.
      expect(figures.totals.requests).toBeGreaterThanOrEqual(previous - SLOT_MS / 1000 + 1)
      if (second >= 20) expect(Math.abs(figures.windowRate() - 1)).toBeLessThanOrEqual(0.06)
      previous = figures.totals.requests
    }
    expect(previous).toBe(56)
  })

  it('reports coveredMs as the full slots behind plus the elapsed part of the current one', () => {
    const layout = new BucketLayout(2)
    const window = new SlidingWindow(layout, WINDOW_SECONDS)
    const totals = emptyTotals()
    window.record(0, 1000, 1, 1, false)
    window.totals(12_345, totals)
    expect(totals.coveredMs).toBe(11 * SLOT_MS + 2_345)
    window.totals(15_000, totals)
    expect(totals.coveredMs).toBe(11 * SLOT_MS)
    window.totals(14_999, totals)
    expect(totals.coveredMs).toBe(WINDOW_SECONDS * 1000 - 1)
    for (let nowMs = 0; nowMs < 200_000; nowMs += 777) {
      window.totals(nowMs, totals)
      expect(totals.coveredMs).toBeGreaterThanOrEqual((SLOT_COUNT - 1) * SLOT_MS)
      expect(totals.coveredMs).toBeLessThan(WINDOW_SECONDS * 1000)
    }
  })

  it('gives its memory back once a busy task has been idle for a window', () => {
    const { clock, aggregator, figures, task } = setup()
    const idleFootprint = new SlidingWindow(aggregator.layout, WINDOW_SECONDS).footprintBytes()
    expect(task.window.footprintBytes()).toBe(idleFootprint)
    // A busy minute: every slot holds a lognormal-ish spread of durations.
    for (let ms = 0; ms < WINDOW_SECONDS * 1000; ms += 10) {
      clock.ms = ms
      aggregator.recordRequest(task, Math.exp(1 + 4 * Math.abs(Math.sin(ms))), false, 1)
    }
    readWindow(figures, task)
    const busyFootprint = task.window.footprintBytes()
    expect(busyFootprint).toBeGreaterThan(idleFootprint + 1_000)

    // Idle for less than a window: the data is still live and still held.
    clock.ms = WINDOW_SECONDS * 1000 + SLOT_MS
    readWindow(figures, task)
    expect(figures.totals.requests).toBeGreaterThan(0)
    expect(task.window.footprintBytes()).toBeGreaterThan(idleFootprint)

    // Idle for a whole window: reading it frees every slot and the live histogram.
    clock.ms = 3 * WINDOW_SECONDS * 1000
    readWindow(figures, task)
    expect(figures.totals.requests).toBe(0)
    expect(task.window.footprintBytes()).toBe(idleFootprint)
    expect(task.window.footprintBytes()).toBeLessThan(busyFootprint)
  })

  it('holds no histogram for the live slot, and only a snapshot after an idle window', () => {
    const { clock, aggregator, task } = setup()
    for (let i = 0; i < 1_000; i++) aggregator.recordRequest(task, 1 + (i % 400), false, 1)
    const idleFootprint = new SlidingWindow(aggregator.layout, WINDOW_SECONDS).footprintBytes()
    // The live slot is the task's histogram minus its snapshot at the slot's start (empty here).
    expect(task.window.footprintBytes()).toBe(idleFootprint)
    clock.ms = 10 * WINDOW_SECONDS * 1000
    aggregator.recordRequest(task, 2, false, 1)
    // Nothing packed (the old slot expired); the new live slot's snapshot of ~300 buckets.
    expect(task.window.footprintBytes()).toBeLessThan(idleFootprint + 1_000)
  })
})

describe('requests_per_second (TaskFigures.windowRate)', () => {
  it('divides by the uptime while the agent is younger than the window', () => {
    const { clock, aggregator, figures, task } = setup(1_000_000)
    for (let i = 0; i < 50; i++) {
      clock.ms = 1_000_000 + i * 200
      aggregator.recordRequest(task, 3, false, 1)
    }
    clock.ms = 1_010_000
    readWindow(figures, task)
    expect(figures.totals.requests).toBe(50)
    expect(figures.totals.coveredMs / 1000).toBeGreaterThan(aggregator.uptimeSeconds())
    expect(aggregator.uptimeSeconds()).toBe(10)
    expect(figures.windowRate()).toBe(5)
  })

  it('divides by the covered window once the agent is older than the window', () => {
    const { clock, aggregator, figures, task } = setup(1_000_000)
    // 10 requests/s for ten minutes, one every 100 ms.
    for (let ms = 0; ms <= 602_500; ms += 100) {
      clock.ms = 1_000_000 + ms
      aggregator.recordRequest(task, 3, false, 1)
    }
    readWindow(figures, task)
    const coveredSeconds = figures.totals.coveredMs / 1000
    expect(coveredSeconds).toBeLessThan(aggregator.uptimeSeconds())
    expect(figures.windowRate()).toBe(figures.totals.requests / coveredSeconds)
    expect(Math.abs(figures.windowRate() - 10) / 10).toBeLessThan(0.02)
  })

  it('counts sampled requests by their weight', () => {
    const { clock, aggregator, figures, task } = setup()
    aggregator.recordRequest(task, 3, false, 10)
    aggregator.recordRequest(task, 3, true, 10)
    clock.ms = 4_000
    readWindow(figures, task)
    expect(figures.totals).toMatchObject({ requests: 20, errors: 10, sumMs: 60 })
    expect(figures.windowRate()).toBe(5)
  })

  it('is 0 at start, before any time has passed', () => {
    const { aggregator, figures, task } = setup(5_000)
    aggregator.recordRequest(task, 3, false, 1)
    readWindow(figures, task)
    expect(figures.totals.requests).toBe(1)
    expect(figures.windowRate()).toBe(0)
  })
})
