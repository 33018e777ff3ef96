// The per-task families, computed in one pass over the tasks (each task's histogram and window
// are read once and written into every family's writer):
// task_duration_seconds (histogram), task_duration_window_seconds (summary), requests_total,
// requests_per_second, tasks_active, tasks_completed_total, tasks_failed_total.
import type { Aggregator } from '../aggregate/aggregator.js'
import type { LabelPairs } from '../aggregate/labels.js'
import type { TaskStats } from '../aggregate/task-stats.js'
import { QUANTILES, TaskFigures } from '../aggregate/task-figures.js'
import { escapeLabelValue, familyHeader, formatNumber } from './prometheus-format.js'
import type { RenderPause } from './render-pause.js'
import { TextWriter } from './text-writer.js'

export const TASK_FAMILY_HELP = {
  task_duration_seconds: 'Task execution duration',
  task_duration_window_seconds: 'Task execution duration over the sliding window (HdrHistogram percentiles)',
  requests_total: 'Total number of requests',
  requests_per_second: 'Current request rate over the sliding window',
  tasks_active: 'Currently active tasks',
  tasks_completed_total: 'Completed tasks',
  tasks_failed_total: 'Failed tasks',
} as const

const FAMILIES = [
  'task_duration_seconds',
  'task_duration_window_seconds',
  'requests_total',
  'requests_per_second',
  'tasks_active',
  'tasks_completed_total',
  'tasks_failed_total',
] as const
const TYPES = ['histogram', 'summary', 'counter', 'gauge', 'gauge', 'counter', 'counter'] as const
const [HISTOGRAM, WINDOW, REQUESTS, RATE, ACTIVE, COMPLETED, FAILED] = [0, 1, 2, 3, 4, 5, 6] as const

/** `task="…",k="v"` as UTF-8, escaped once: label text does not change for a series' life. */
function taskLabels(name: string, labels: LabelPairs): Buffer {
  let out = 'task="' + escapeLabelValue(name) + '"'
  for (let i = 0; i < labels.length; i++) {
    const pair = labels[i] as readonly [string, string]
    out += ',' + pair[0] + '="' + escapeLabelValue(pair[1]) + '"'
  }
  return Buffer.from(out)
}

const ascii = (text: string): Buffer => Buffer.from(text, 'latin1')
const BUCKET = ascii('task_duration_seconds_bucket{')
const INF = ascii(',le="+Inf"} ')
const SUM = ascii('task_duration_seconds_sum{')
const COUNT = ascii('task_duration_seconds_count{')
const WINDOW_SAMPLE = ascii('task_duration_window_seconds{')
const WINDOW_SUM = ascii('task_duration_window_seconds_sum{')
const WINDOW_COUNT = ascii('task_duration_window_seconds_count{')
const QUANTILE_LABELS = QUANTILES.map((q) => ascii(',quantile="' + String(q) + '"} '))
const SUCCESS = ascii(',status="success"} ')
const ERROR = ascii(',status="error"} ')
const CLOSE = ascii('} ')
const OPEN = FAMILIES.map((name) => ascii(name + '{'))
const NEWLINE = 10

export class TaskFamilyRenderer {
  private readonly aggregator: Aggregator
  private readonly figures: TaskFigures
  private readonly bucketBoundFlats: Float64Array
  private readonly leLabels: Buffer[]
  private readonly bucketCounts: Float64Array
  private readonly quantilesUs = new Float64Array(QUANTILES.length)
  private readonly windowQuantilesUs = new Float64Array(QUANTILES.length)
  private readonly labelBytes = new WeakMap<TaskStats, Buffer>()
  // One writer per family, kept for the next scrape: families must be contiguous in the output.
  private readonly writers = FAMILIES.map(() => new TextWriter())
  private readonly headers = FAMILIES.map((name, i) =>
    ascii(familyHeader(name, TYPES[i] as string, TASK_FAMILY_HELP[name])),
  )

  constructor(aggregator: Aggregator, bucketBoundsSeconds: readonly number[]) {
    this.aggregator = aggregator
    this.figures = new TaskFigures(aggregator)
    this.bucketBoundFlats = new Float64Array(
      bucketBoundsSeconds.map((s) => aggregator.layout.flatIndexOfValue(s * 1e6)),
    )
    this.leLabels = bucketBoundsSeconds.map((s) => ascii(',le="' + formatNumber(s) + '"} '))
    this.bucketCounts = new Float64Array(bucketBoundsSeconds.length)
  }

  /**
   * The seven families, one writer each, to be sent one after the other. The tasks are listed
   * first: a series added or evicted while the render pauses changes no family half-way.
   */
  async render(pause: RenderPause): Promise<readonly TextWriter[]> {
    this.aggregator.refreshActive()
    const tasks = [...this.aggregator.tasks.values()]
    const w = this.writers
    for (let i = 0; i < w.length; i++) {
      ;(w[i] as TextWriter).reset()
      ;(w[i] as TextWriter).bytes(this.headers[i] as Buffer)
    }
    const histogram = w[HISTOGRAM] as TextWriter
    const window = w[WINDOW] as TextWriter
    const requests = w[REQUESTS] as TextWriter
    const figures = this.figures
    const q = this.quantilesUs
    const counts = this.bucketCounts
    for (const task of tasks) {
      if (pause.due()) await pause.resume()
      let labels = this.labelBytes.get(task)
      if (labels === undefined) {
        labels = taskLabels(task.name, task.labels)
        this.labelBytes.set(task, labels)
      }
      // One scan of the task's histogram for its own figures and its window's live slot.
      figures.readTaskFigures(task, this.bucketBoundFlats, counts, q, this.windowQuantilesUs)
      const count = task.histogram.totalCount
      for (let i = 0; i < counts.length; i++) {
        histogram.bytes(BUCKET)
        histogram.bytes(labels)
        histogram.bytes(this.leLabels[i] as Buffer)
        histogram.number(counts[i] ?? 0)
        histogram.byte(NEWLINE)
      }
      this.sample(histogram, BUCKET, labels, INF, count)
      this.sample(histogram, SUM, labels, CLOSE, task.sumMs / 1000)
      this.sample(histogram, COUNT, labels, CLOSE, count)

      const totals = figures.totals
      const wq = this.windowQuantilesUs
      for (let i = 0; i < QUANTILES.length; i++)
        this.sample(
          window,
          WINDOW_SAMPLE,
          labels,
          QUANTILE_LABELS[i] as Buffer,
          totals.requests > 0 ? (wq[i] ?? 0) / 1e6 : NaN,
        )
      this.sample(window, WINDOW_SUM, labels, CLOSE, totals.sumMs / 1000)
      this.sample(window, WINDOW_COUNT, labels, CLOSE, totals.requests)

      this.sample(requests, OPEN[REQUESTS] as Buffer, labels, SUCCESS, task.success)
      this.sample(requests, OPEN[REQUESTS] as Buffer, labels, ERROR, task.errors)
      this.sample(w[RATE] as TextWriter, OPEN[RATE] as Buffer, labels, CLOSE, figures.windowRate())
      this.sample(w[ACTIVE] as TextWriter, OPEN[ACTIVE] as Buffer, labels, CLOSE, task.active)
      this.sample(w[COMPLETED] as TextWriter, OPEN[COMPLETED] as Buffer, labels, CLOSE, task.completed)
      this.sample(w[FAILED] as TextWriter, OPEN[FAILED] as Buffer, labels, CLOSE, task.errors)
    }
    return w
  }

  /** `<open><labels><close><value>\n`, e.g. `requests_total{task="a",status="error"} 3`. */
  private sample(w: TextWriter, open: Buffer, labels: Buffer, close: Buffer, value: number): void {
    w.bytes(open)
    w.bytes(labels)
    w.bytes(close)
    w.number(value)
    w.byte(NEWLINE)
  }
}
