// GET /report: the human-readable report, the same text as the in-process monitor's `report()`.
// Built from the /dashboard snapshot so both always show the same figures.
import type { DashboardSnapshot, TaskSnapshot } from '../ui/dashboard-snapshot.js'

function ms(value: number): string {
  return value >= 100 ? value.toFixed(1) + 'ms' : value.toFixed(2) + 'ms'
}

// A task name is whatever an app sent: control characters are written as escapes, so a newline
// in a name cannot add lines to the report.
const CONTROL = /[\p{Cc}\u2028\u2029]/gu

function printable(name: string): string {
  return name.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

function taskSection(id: string, task: TaskSnapshot, windowSeconds: number): string {
  const lines = [
    `Task: ${printable(id)}`,
    `  Total requests: ${task.completed} (success ${task.success}, error ${task.failed}, error rate ${(task.error_rate * 100).toFixed(1)}%)`,
    `  Active: ${task.active}`,
    `  Throughput: ${task.rps.toFixed(1)} req/s (last ${windowSeconds}s)`,
    `  Latency p50: ${ms(task.latency_ms.p50)}`,
    `  Latency p95: ${ms(task.latency_ms.p95)}`,
    `  Latency p99: ${ms(task.latency_ms.p99)}`,
    `  Latency p99.9: ${ms(task.latency_ms.p999)}`,
    `  Latency max: ${ms(task.latency_ms.max)}, mean: ${ms(task.latency_ms.mean)}`,
    `  Window (last ${windowSeconds}s): ${task.window.requests} requests, p50 ${ms(task.window.latency_ms.p50)}, p99 ${ms(task.window.latency_ms.p99)}`,
  ]
  return lines.join('\n')
}

/** `onlyTasks` null = every task; names not found are listed as such. */
export function renderReport(snapshot: DashboardSnapshot, onlyTasks: readonly string[] | null): string {
  const header = [
    'Performance Report',
    '==================',
    `Uptime: ${snapshot.uptime_seconds.toFixed(1)}s  Window: ${snapshot.window_seconds}s  Precision: ${snapshot.precision}  Active tasks: ${snapshot.active_tasks}`,
    '',
    '',
  ].join('\n')
  const sections: string[] = []
  const wanted = onlyTasks ?? Object.keys(snapshot.tasks)
  for (const id of wanted) {
    const task = snapshot.tasks[id]
    sections.push(
      task === undefined ? `Task: ${printable(id)}\n  (no data yet)` : taskSection(id, task, snapshot.window_seconds),
    )
  }
  if (sections.length === 0) sections.push('(no tasks yet)')
  return header + sections.join('\n\n') + '\n'
}
