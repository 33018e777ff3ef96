// What the agent still holds of a task from before the page opened (GET /dashboard/history: its
// window, slot by slot), as samples in TaskHistory's columns, so the charts open on the last window
// rather than on one point. A slot's figures are its own (req/s, errors and percentiles of those
// few seconds), where a poll's are the whole window's; the page has no other record of that time.
import type { TaskWindowHistory } from './dashboard-types.js'
import { sampleOfFigures } from './task-history.js'

/**
 * The closed slots as samples, oldest first, on the browser's clock: `answeredSeconds` is when the
 * answer came (Date.now() / 1000), and each slot ended `end_seconds_ago` before that, so the
 * agent's clock (monotonic, not the wall's) need not agree with the browser's. The slot still
 * being written is left out: its few requests over a part of a slot make a noisy last point, and
 * the first poll, a moment later, speaks for the present.
 */
export function samplesOfHistory(history: TaskWindowHistory, answeredSeconds: number): number[][] {
  const samples: number[][] = []
  for (const slot of history.slots)
    if (slot.end_seconds_ago > 0 && slot.covered_seconds > 0)
      // NaN active: the agent keeps no history of active tasks.
      samples.push(sampleOfFigures(answeredSeconds - slot.end_seconds_ago, slot, NaN))
  return samples
}
