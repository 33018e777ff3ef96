// The live page's per-task history (agent/ui/src/task-history.ts), without a browser: a bounded
// ring per task, gaps for idle windows, and a cap on how many tasks keep a history.
import { describe, expect, it } from 'vitest'
import type { DashboardSnapshot, TaskSnapshot } from '../agent/ui/src/dashboard-types.js'
import { TaskHistory } from '../agent/ui/src/task-history.js'

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
})
