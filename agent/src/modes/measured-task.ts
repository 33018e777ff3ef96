// Where the load test and compare read their figures: the agent's own histograms, either the
// in-process agent's aggregator or a running agent's /dashboard.
import type { Aggregator } from '../aggregate/aggregator.js'
import { type TaskSnapshot, buildDashboard } from '../expose/ui/dashboard-snapshot.js'

export type TaskReader = (task: string) => Promise<TaskSnapshot | undefined>

export function readFromAggregator(aggregator: Aggregator): TaskReader {
  return async (task) => buildDashboard(aggregator, {}).tasks[task]
}

export function readFromUrl(baseUrl: string): TaskReader {
  return async (task) => {
    const response = await fetch(`${baseUrl}/dashboard`, { signal: AbortSignal.timeout(2000) })
    if (!response.ok) throw new Error(`${baseUrl}/dashboard answered HTTP ${response.status}`)
    const body = (await response.json()) as { tasks: Record<string, TaskSnapshot> }
    return body.tasks[task]
  }
}

/** Polls until the agent has counted `expected` completed requests (UDP is asynchronous). */
export async function waitForCount(
  read: TaskReader,
  task: string,
  expected: number,
  timeoutMs = 5000,
): Promise<TaskSnapshot | undefined> {
  const deadline = Date.now() + timeoutMs
  let snapshot = await read(task)
  while ((snapshot?.completed ?? 0) < expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    snapshot = await read(task)
  }
  return snapshot
}
