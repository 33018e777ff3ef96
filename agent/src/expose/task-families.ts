// The seed's task families, computed in one pass over the tasks (each task's histogram and window
// are read once and written into every family's chunk list):
// task_duration_seconds (histogram), task_duration_window_seconds (summary), requests_total,
// requests_per_second, tasks_active, tasks_completed_total, tasks_failed_total.
import type { Aggregator } from '../aggregate/aggregator.js'
import type { LabelPairs } from '../aggregate/labels.js'
import type { TaskStats } from '../aggregate/task-stats.js'
import { QUANTILES, TaskFigures } from '../aggregate/task-figures.js'
import { escapeLabelValue, familyHeader, formatNumber } from './prometheus-format.js'

export const TASK_FAMILY_HELP = {
  task_duration_seconds: 'Task execution duration',
  task_duration_window_seconds: 'Task execution duration over the sliding window (HdrHistogram percentiles)',
  requests_total: 'Total number of requests',
  requests_per_second: 'Current request rate over the sliding window',
  tasks_active: 'Currently active tasks',
  tasks_completed_total: 'Completed tasks',
  tasks_failed_total: 'Failed tasks',
} as const

const QUANTILE_LABELS = QUANTILES.map(String)

function taskLabels(name: string, labels: LabelPairs): string {
  let out = 'task="' + escapeLabelValue(name) + '"'
  for (let i = 0; i < labels.length; i++) {
    const pair = labels[i] as readonly [string, string]
    out += ',' + pair[0] + '="' + escapeLabelValue(pair[1]) + '"'
  }
  return out
}

export class TaskFamilyRenderer {
  private readonly aggregator: Aggregator
  private readonly figures: TaskFigures
  private readonly bucketBoundsSeconds: readonly number[]
  private readonly bucketBoundFlats: Float64Array
  private readonly leLabels: string[]
  private readonly bucketCounts: Float64Array
  private readonly quantilesUs = new Float64Array(QUANTILES.length)
  // `task="…",k="v"` per task, escaped once: label text does not change for a series' life.
  private readonly labelText = new WeakMap<TaskStats, string>()

  constructor(aggregator: Aggregator, bucketBoundsSeconds: readonly number[]) {
    this.aggregator = aggregator
    this.figures = new TaskFigures(aggregator)
    this.bucketBoundsSeconds = bucketBoundsSeconds
    this.bucketBoundFlats = new Float64Array(bucketBoundsSeconds.map((s) => aggregator.layout.flatIndexOfValue(s * 1e6)))
    this.leLabels = bucketBoundsSeconds.map((s) => ',le="' + formatNumber(s) + '"}')
    this.bucketCounts = new Float64Array(bucketBoundsSeconds.length)
  }

  render(out: string[]): void {
    this.aggregator.refreshActive()
    let histogram = familyHeader('task_duration_seconds', 'histogram', TASK_FAMILY_HELP.task_duration_seconds)
    let window = familyHeader('task_duration_window_seconds', 'summary', TASK_FAMILY_HELP.task_duration_window_seconds)
    let requests = familyHeader('requests_total', 'counter', TASK_FAMILY_HELP.requests_total)
    let rate = familyHeader('requests_per_second', 'gauge', TASK_FAMILY_HELP.requests_per_second)
    let active = familyHeader('tasks_active', 'gauge', TASK_FAMILY_HELP.tasks_active)
    let completed = familyHeader('tasks_completed_total', 'counter', TASK_FAMILY_HELP.tasks_completed_total)
    let failed = familyHeader('tasks_failed_total', 'counter', TASK_FAMILY_HELP.tasks_failed_total)
    const figures = this.figures
    const q = this.quantilesUs
    for (const task of this.aggregator.tasks.values()) {
      let labels = this.labelText.get(task)
      if (labels === undefined) {
        labels = taskLabels(task.name, task.labels)
        this.labelText.set(task, labels)
      }
      task.histogram.readFigures(QUANTILES, q, this.bucketBoundFlats, this.bucketCounts)
      const count = task.histogram.totalCount
      for (let i = 0; i < this.bucketBoundsSeconds.length; i++) {
        histogram += 'task_duration_seconds_bucket{' + labels + this.leLabels[i] + ' ' + (this.bucketCounts[i] as number) + '\n'
      }
      histogram += 'task_duration_seconds_bucket{' + labels + ',le="+Inf"} ' + count + '\n'
      histogram += 'task_duration_seconds_sum{' + labels + '} ' + formatNumber(task.sumMs / 1000) + '\n'
      histogram += 'task_duration_seconds_count{' + labels + '} ' + count + '\n'

      figures.readWindowQuantiles(task, q)
      const totals = figures.totals
      for (let i = 0; i < QUANTILES.length; i++) {
        window += 'task_duration_window_seconds{' + labels + ',quantile="' + QUANTILE_LABELS[i] + '"} ' + formatNumber(totals.requests > 0 ? (q[i] as number) / 1e6 : NaN) + '\n'
      }
      window += 'task_duration_window_seconds_sum{' + labels + '} ' + formatNumber(totals.sumMs / 1000) + '\n'
      window += 'task_duration_window_seconds_count{' + labels + '} ' + totals.requests + '\n'

      requests += 'requests_total{' + labels + ',status="success"} ' + task.success + '\n'
      requests += 'requests_total{' + labels + ',status="error"} ' + task.errors + '\n'
      rate += 'requests_per_second{' + labels + '} ' + formatNumber(figures.windowRate()) + '\n'
      active += 'tasks_active{' + labels + '} ' + task.active + '\n'
      completed += 'tasks_completed_total{' + labels + '} ' + task.completed + '\n'
      failed += 'tasks_failed_total{' + labels + '} ' + task.errors + '\n'
    }
    out.push(histogram, window, requests, rate, active, completed, failed)
  }
}
