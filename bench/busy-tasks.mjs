// Aggregator state shared by the scrape and remote-write benchmarks: `tasks` busy tasks at
// precision 2 with a 60 s window, so both measure the same series a real sidecar would hold.
// PromClientMirror holds the same per-task families in a prom-client Registry, for the scrape
// benchmark's comparison.
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import { Aggregator } from '../agent/dist/aggregate/aggregator.js'
import { QUANTILES, TaskFigures } from '../agent/dist/aggregate/task-figures.js'
import { TASK_FAMILY_HELP as HELP } from '../agent/dist/expose/prometheus/task-family-source.js'
import { random } from './seeded-random.mjs'

// A busy task: `perSlot` lognormal requests (median 20 ms, sigma 0.8) in each of the 12 slots of
// the window, 2 % errors. An idle task: one request, long ago. `onRequest(task, ms, failed)` sees
// every request (the prom-client mirror); `precision` 2 unless given.
export function fill(tasks, perSlot, clock, onRequest = null, precision = 2) {
  const rand = random(42)
  const aggregator = new Aggregator({ windowSeconds: 60, precision, maxSeries: 1_000_000, now: () => clock.ms })
  const list = []
  for (let t = 0; t < tasks; t++) list.push(aggregator.task(`task_${t}`, null))
  for (let slot = 0; slot < 12; slot++) {
    clock.ms = slot * 5000 + 1
    for (const task of list) {
      for (let i = 0; i < perSlot; i++) {
        const normal = Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand())
        const ms = Math.exp(Math.log(20) + 0.8 * normal)
        const failed = rand() < 0.02
        aggregator.recordRequest(task, ms, failed, 1)
        onRequest?.(task, ms, failed)
      }
    }
  }
  clock.ms = 12 * 5000 - 1
  return aggregator
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

/**
 * The task families of our /metrics in a prom-client Registry, labels and values alike: the
 * histogram observes every request (same bounds), counters and gauges are set to the task's
 * figures. The window summary is preset gauges (`quantile` label, `_sum`, `_count`): prom-client's
 * own Summary recomputes t-digest quantiles at every metrics() (~3 s per 1000 series here), so
 * preset values are the cheapest form prom-client has of the same numbers.
 */
export class PromClientMirror {
  constructor(bucketsSeconds) {
    this.aggregator = null
    this.figures = null
    this.quantilesUs = new Float64Array(QUANTILES.length)
    this.counted = new Map()
    this.registry = new Registry()
    const registers = [this.registry]
    const task = ['task']
    const g = (name, labelNames = task) => new Gauge({ name, help: HELP[name] ?? name, labelNames, registers })
    const c = (name, labelNames = task) => new Counter({ name, help: HELP[name], labelNames, registers })
    const name = 'task_duration_seconds'
    this.duration = new Histogram({ name, help: HELP[name], labelNames: task, buckets: bucketsSeconds, registers })
    this.window = g('task_duration_window_seconds', ['task', 'quantile'])
    this.windowSum = g('task_duration_window_seconds_sum')
    this.windowCount = g('task_duration_window_seconds_count')
    this.requests = c('requests_total', ['task', 'status'])
    this.rate = g('requests_per_second')
    this.active = g('tasks_active')
    this.completed = c('tasks_completed_total')
    this.failed = c('tasks_failed_total')
  }

  /** The aggregator to mirror: fill() records into both first, so the mirror starts empty. */
  attach(aggregator) {
    this.aggregator = aggregator
    this.figures = new TaskFigures(aggregator)
  }

  request(task, ms) {
    this.duration.observe({ task: task.name }, ms / 1000)
  }

  /** Counters, gauges and window figures to the tasks' current ones (outside the timed part). */
  sync() {
    const figures = this.figures
    for (const task of this.aggregator.tasks.values()) {
      const labels = { task: task.name }
      figures.readWindowQuantiles(task, this.quantilesUs)
      const requests = figures.totals.requests
      for (let i = 0; i < QUANTILES.length; i++) {
        const value = requests > 0 ? this.quantilesUs[i] / 1e6 : Number.NaN
        this.window.set({ task: task.name, quantile: String(QUANTILES[i]) }, value)
      }
      this.windowSum.set(labels, figures.totals.sumMs / 1000)
      this.windowCount.set(labels, requests)
      this.rate.set(labels, figures.windowRate())
      this.active.set(labels, task.active)
      this.setCounter(this.requests, { task: task.name, status: 'success' }, task.success)
      this.setCounter(this.requests, { task: task.name, status: 'error' }, task.errors)
      this.setCounter(this.completed, labels, task.completed)
      this.setCounter(this.failed, labels, task.errors)
    }
  }

  /** A counter only goes up: by what the task's count gained since the last sync. */
  setCounter(counter, labels, value) {
    const key = counter.name + '\u0000' + labels.task + '\u0000' + (labels.status ?? '')
    const had = this.counted.get(key) ?? 0
    if (value > had) counter.inc(labels, value - had)
    this.counted.set(key, value)
  }
}
