import { describe, expect, it } from 'vitest'
import { Aggregator } from './aggregator.js'
import { histogramQuantiles } from './aggregator.test-support.js'
import { msToUs } from './bucket-layout.js'
import { DeltaReader, DeltaWriter } from './delta-bytes.js'
import { SLOT_COUNT, SlidingWindow } from './sliding-window.js'
import { QUANTILES, TaskFigures } from './task-figures.js'
import type { TaskStats } from './task-stats.js'
import { WindowSlots } from './window-slots.js'

const WINDOW_SECONDS = 60
const SLOT_MS = (WINDOW_SECONDS * 1000) / SLOT_COUNT // 5 s

// Time is injected: each test sets the clock by hand and never sleeps.
function setup(startMs: number): { clock: { ms: number }; aggregator: Aggregator; task: TaskStats } {
  const clock = { ms: startMs }
  const aggregator = new Aggregator({
    windowSeconds: WINDOW_SECONDS,
    precision: 2,
    maxSeries: 10,
    now: () => clock.ms,
  })
  const task = aggregator.task('predict', null)
  if (task === null) throw new Error('series cap reached in setup')
  return { clock, aggregator, task }
}

function read(aggregator: Aggregator, task: TaskStats) {
  return new WindowSlots(aggregator.layout, aggregator.windowSeconds).read(
    task.window,
    aggregator.now(),
    aggregator.startedMs,
  )
}

describe('WindowSlots', () => {
  it('gives each slot its own requests, errors, sum and percentiles, the slot being written last', () => {
    const { clock, aggregator, task } = setup(0)
    const slots: number[][] = [[], [], [], []]
    // Slots 0, 1 and 3 get requests of their own size; slot 2 stays quiet; slot 3 is still open.
    for (const [slot, baseMs] of [
      [0, 1],
      [1, 40],
      [3, 300],
    ] as const) {
      clock.ms = slot * SLOT_MS + 1_000
      for (let i = 0; i < 40; i++) {
        const durationMs = baseMs + i * 0.7
        aggregator.recordRequest(task, durationMs, i % 8 === 0, 1)
        slots[slot]?.push(durationMs)
      }
    }
    clock.ms = 3 * SLOT_MS + 2_500
    const rows = read(aggregator, task)
    expect(rows.map((r) => r.requests)).toEqual([40, 40, 0, 40])
    expect(rows.map((r) => r.errors)).toEqual([5, 5, 0, 5])
    expect(rows.map((r) => r.endMs)).toEqual([SLOT_MS, 2 * SLOT_MS, 3 * SLOT_MS, clock.ms])
    expect(rows.map((r) => r.coveredMs)).toEqual([SLOT_MS, SLOT_MS, SLOT_MS, 2_500])
    for (let slot = 0; slot < 4; slot++) {
      const durations = slots[slot] ?? []
      const row = rows[slot]
      expect(row?.sumMs, `slot ${slot}`).toBeCloseTo(
        durations.reduce((a, b) => a + b, 0),
        9,
      )
      const expected = durations.length === 0 ? [0, 0, 0, 0] : histogramQuantiles(aggregator.layout, durations)
      expect([...(row?.quantilesUs ?? [])], `slot ${slot}`).toEqual(expected)
    }
    expect(rows[3]?.maxUs).toBeGreaterThanOrEqual(msToUs(300 + 39 * 0.7))
    expect(rows[2]?.maxUs).toBe(0)
  })

  it('lists only the slots of the window, and none from before the agent started', () => {
    const { clock, aggregator, task } = setup(12_000) // starts 2 s into slot 2
    clock.ms = 13_000
    aggregator.recordRequest(task, 5, false, 1)
    clock.ms = 14_000
    let rows = read(aggregator, task)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ requests: 1, coveredMs: 2_000, endMs: 14_000 })

    // A minute and a half later: 12 slots, the oldest begins 55 s before the current one.
    clock.ms = 12_000 + 90_000
    aggregator.recordRequest(task, 7, true, 1)
    rows = read(aggregator, task)
    expect(rows).toHaveLength(SLOT_COUNT)
    const epochNow = Math.floor(clock.ms / SLOT_MS)
    expect(rows[0]?.endMs).toBe((epochNow - SLOT_COUNT + 2) * SLOT_MS)
    expect(rows.reduce((n, r) => n + r.requests, 0)).toBe(1) // the request at 13 s has left the window
    expect(rows[SLOT_COUNT - 1]).toMatchObject({ requests: 1, errors: 1, endMs: clock.ms })
  })

  it('counts sampled requests by their weight, as the window does', () => {
    const { clock, aggregator, task } = setup(0)
    clock.ms = 1_000
    for (let i = 0; i < 10; i++) aggregator.recordRequest(task, 20, false, 4)
    clock.ms = SLOT_MS + 1
    const rows = read(aggregator, task)
    expect(rows[0]).toMatchObject({ requests: 40, sumMs: 800 })
    expect([...(rows[0]?.quantilesUs ?? [])]).toEqual(histogramQuantiles(aggregator.layout, [20]))
  })

  it('leaves the window as it was: its state and its figures read the same before and after', () => {
    const { clock, aggregator, task } = setup(0)
    for (let second = 0; second < 30; second++) {
      clock.ms = second * 1_000
      for (let i = 0; i < 5; i++) aggregator.recordRequest(task, 3 + second + i, i === 0, 1)
    }
    clock.ms = 30_500
    const state = (): Uint8Array => {
      const writer = new DeltaWriter()
      task.window.writeState(writer, clock.ms)
      return writer.finish()
    }
    const figures = new TaskFigures(aggregator)
    const window = (): number[] => {
      const out = new Float64Array(QUANTILES.length)
      figures.readWindow(task, out)
      return [...out, figures.totals.requests]
    }
    const before = { state: state(), window: window() }
    const rows = read(aggregator, task)
    expect(rows.reduce((n, r) => n + r.requests, 0)).toBe(150)
    expect(state()).toEqual(before.state)
    expect(window()).toEqual(before.window)
  })

  it('reads the slots a primary merged from its shards (--workers), which have no slot being written', () => {
    const shard = setup(0)
    const primary = setup(0)
    shard.clock.ms = 2_000
    for (let i = 0; i < 20; i++) shard.aggregator.recordRequest(shard.task, 10 + i, false, 1)
    shard.clock.ms = SLOT_MS + 2_000
    for (let i = 0; i < 10; i++) shard.aggregator.recordRequest(shard.task, 200, true, 1)
    const writer = new DeltaWriter()
    shard.task.window.takeDelta(writer, shard.clock.ms)
    SlidingWindow.applyDelta(new DeltaReader(writer.finish()), primary.task.window)
    primary.clock.ms = shard.clock.ms
    const rows = read(primary.aggregator, primary.task)
    expect(rows.map((r) => [r.requests, r.errors])).toEqual([
      [20, 0],
      [10, 10],
    ])
    const first = Array.from({ length: 20 }, (_v, i) => 10 + i)
    expect([...(rows[0]?.quantilesUs ?? [])]).toEqual(histogramQuantiles(primary.aggregator.layout, first))
    expect([...(rows[1]?.quantilesUs ?? [])]).toEqual(histogramQuantiles(primary.aggregator.layout, [200]))
  })
})
