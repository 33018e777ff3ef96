// The live page's per-task history (agent/ui/src/task-history.ts), without a browser: a bounded
// ring per task, gaps for idle windows, a cap on how many tasks keep a history, and the seeding of
// a ring with the agent's window slots (agent/ui/src/window-history.ts).
import { describe, expect, it } from 'vitest'
import type { DashboardSnapshot, HistorySlot, TaskSnapshot } from '../agent/ui/src/dashboard-types.js'
import { TaskHistory } from '../agent/ui/src/task-history.js'
import { samplesOfHistory } from '../agent/ui/src/window-history.js'

function task(requests: number, p50: number): TaskSnapshot {
  const latency = { p50, p95: p50 * 2, p99: p50 * 3, p999: p50 * 4, max: p50 * 5, mean: p50 }
  return {
    name: 'x',
    labels: {},
    active: 2,
    completed: requests,
    failed: 0,
    error_rate: 0,
    rps: requests / 60,
    latency_ms: latency,
    window: { rps: requests / 60, requests, errors: 0, error_rate: 0, latency_ms: latency },
  }
}

function snapshot(tasks: Record<string, TaskSnapshot>): DashboardSnapshot {
  return { active_tasks: 0, window_seconds: 60, uptime_seconds: 1, tasks }
}

describe('TaskHistory', () => {
  it('keeps the last `capacity` samples per task, oldest first', () => {
    const history = new TaskHistory(3)
    for (let t = 1; t <= 5; t++) history.record(t, snapshot({ a: task(10, t) }), null)
    expect(history.columns('a', [1, 4])).toEqual([
      [3, 4, 5],
      [3, 4, 5],
      [12, 16, 20],
    ])
  })

  it('draws a gap (null) for latency and error rate when the window had no request, but keeps req/s and active', () => {
    const history = new TaskHistory()
    history.record(1, snapshot({ a: task(0, 0) }), null)
    expect(history.columns('a', [1, 5, 6, 7])).toEqual([[1], [null], [0], [2], [null]])
  })

  it('answers empty columns for an unknown task', () => {
    expect(new TaskHistory().columns('nope', [1, 2])).toEqual([[], [], []])
  })

  it('caps the tasks with a history, evicting the one seen longest ago but never the selected one', () => {
    const history = new TaskHistory(10, 2)
    history.record(1, snapshot({ a: task(1, 1), b: task(1, 1) }), 'a')
    history.record(2, snapshot({ b: task(1, 1) }), 'a')
    history.record(3, snapshot({ c: task(1, 1) }), 'a')
    expect(history.taskCount).toBe(2)
    expect(history.has('a')).toBe(true) // selected: kept although seen longest ago
    expect(history.has('b')).toBe(false)
    expect(history.has('c')).toBe(true)
  })

  it("plots mean in flight as req/s × mean latency (Little's law)", () => {
    const history = new TaskHistory()
    history.record(1, snapshot({ a: task(600, 50) }), null) // 10 req/s × 50 ms
    expect(history.columns('a', [8])).toEqual([[1], [0.5]])
  })

  it('seeds a ring once with samples older than its first poll, oldest dropped past capacity', () => {
    const history = new TaskHistory(3)
    history.record(10, snapshot({ a: task(10, 1) }), null)
    expect(history.isSeeded('a')).toBe(false)
    const sample = (t: number): number[] => [t, 2, 2, 2, 2, 5, NaN, 0, 0.01]
    history.seed('a', [sample(6), sample(7), sample(8), sample(11)])
    expect(history.isSeeded('a')).toBe(true)
    // 11 s is after the first poll: left out. Capacity 3: 6 s goes.
    expect(history.columns('a', [1, 6])).toEqual([
      [7, 8, 10],
      [2, 2, 1],
      [null, null, 2],
    ])
    history.seed('a', [sample(9)])
    expect(history.columns('a', [1])[0]).toEqual([7, 8, 10])
  })

  it('seeds a task no poll has shown yet, and counts an empty seed as done', () => {
    const history = new TaskHistory()
    history.seed('quiet', [])
    expect(history.isSeeded('quiet')).toBe(true)
    expect(history.columns('quiet', [1])).toEqual([[], []])
  })
})

describe('samplesOfHistory', () => {
  const slot = (ago: number, requests: number, p50: number, covered = 5): HistorySlot => ({
    end_seconds_ago: ago,
    covered_seconds: covered,
    requests,
    errors: requests > 0 ? 1 : 0,
    rps: requests / covered,
    error_rate: requests > 0 ? 1 / requests : 0,
    latency_ms: { p50, p95: p50, p99: p50, p999: p50, max: p50, mean: p50 },
  })

  it('places closed slots on the browser clock by their age, leaving out the slot being written', () => {
    const body = {
      task: 'a',
      window_seconds: 60,
      slot_seconds: 5,
      slots: [slot(12, 50, 4, 3), slot(7, 0, 0), slot(2, 100, 8), slot(0, 3, 90, 0.4)],
    }
    const samples = samplesOfHistory(body, 1_000)
    expect(samples.map((s) => s[0])).toEqual([988, 993, 998])
    // p50, req/s, active (unknown), error rate, mean in flight; a quiet slot: gaps but 0 req/s.
    expect(samples.map((s) => [s[1], s[5], s[6], s[7], s[8]])).toEqual([
      [4, 50 / 3, NaN, 0.02, ((50 / 3) * 4) / 1000],
      [NaN, 0, NaN, NaN, 0],
      [8, 20, NaN, 0.01, 0.16],
    ])
  })
})
