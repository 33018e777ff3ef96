// GET /dashboard/history?task=<id>: one task's sliding window slot by slot, which the live page
// draws at load so that its charts open on the last window instead of a single point. One task
// per request (the page charts one), so the answer stays at most a window's slots however many
// tasks the agent holds, and /dashboard, polled every second, carries none of it.
import type { Aggregator } from '../../aggregate/aggregator.js'
import { SLOT_COUNT } from '../../aggregate/sliding-window.js'
import { WindowSlots } from '../../aggregate/window-slots.js'
import type { TaskWindowHistory } from '../../../ui/src/dashboard-types.js'
import { summary } from './dashboard-snapshot.js'

const round3 = (x: number): number => Math.round(x * 1000) / 1000

/** null when the task is unknown. Times are ages, as the agent's clock is not the browser's. */
export function buildTaskHistory(aggregator: Aggregator, taskId: string): TaskWindowHistory | null {
  const task = aggregator.tasks.get(taskId)
  if (task === undefined) return null
  const nowMs = aggregator.now()
  const rows = new WindowSlots(aggregator.layout, aggregator.windowSeconds).read(
    task.window,
    nowMs,
    aggregator.startedMs,
  )
  const slots: TaskWindowHistory['slots'] = []
  for (const row of rows) {
    const seconds = row.coveredMs / 1000
    slots.push({
      end_seconds_ago: round3((nowMs - row.endMs) / 1000),
      covered_seconds: round3(seconds),
      requests: row.requests,
      errors: row.errors,
      rps: seconds > 0 ? round3(row.requests / seconds) : 0,
      error_rate: row.requests > 0 ? row.errors / row.requests : 0,
      latency_ms: summary(row.quantilesUs, row.maxUs, row.sumMs, row.requests),
    })
  }
  return {
    task: taskId,
    window_seconds: aggregator.windowSeconds,
    slot_seconds: aggregator.windowSeconds / SLOT_COUNT,
    slots,
  }
}
