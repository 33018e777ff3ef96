// The /dashboard JSON, which the live page (agent/ui) reads: fields may be added, these are kept. Durations in ms.
// The page's own types declare what it reads; these extend them, so the two cannot drift apart.
import type { Aggregator } from '../../aggregate/aggregator.js'
import { HISTOGRAM_SCALE } from '../../aggregate/custom-series.js'
import { QUANTILES, TaskFigures } from '../../aggregate/task-figures.js'
import type { SenderRow } from '../../decode/sender-sequences.js'
import { taskExemplar } from './task-exemplar.js'
import type {
  DashboardSnapshot as PageSnapshot,
  LatencyMs,
  TaskSnapshot as PageTask,
} from '../../../ui/src/dashboard-types.js'

const NO_THRESHOLDS = new Float64Array(0)

/** The page's figures (agent/ui/src/dashboard-types.ts declares what it reads), in ms. */
export type LatencySummaryMs = LatencyMs

/** What the page reads of a task, and the totals the CLI modes and /report read too. */
export interface TaskSnapshot extends PageTask {
  success: number
  count: number
  sum_ms: number
}

export interface HistogramSnapshot {
  name: string
  labels: Record<string, string>
  count: number
  sum: number
  p50: number
  p95: number
  p99: number
  p999: number
  max: number
}

export interface DashboardSnapshot extends PageSnapshot {
  precision: number
  tasks: Record<string, TaskSnapshot>
  counters: Record<string, number>
  gauges: Record<string, number>
  histograms: Record<string, HistogramSnapshot>
  /**
   * Senders of numbered datagrams (protocol v1.1): id, datagrams received and lost, restarts seen,
   * last_seen in ms since the epoch. Empty where nothing sends headers (or nothing can track them).
   */
  clients: SenderRow[]
  agent: Record<string, unknown>
}

// The HTTP layer hands buildDashboard the topology's agent info only, so the topology passes its
// sender table in it as `clients`; the snapshot lifts it to the top level.
function splitClients(agent: Record<string, unknown>): { clients: SenderRow[]; agent: Record<string, unknown> } {
  const { clients, ...rest } = agent
  return { clients: Array.isArray(clients) ? (clients as SenderRow[]) : [], agent: rest }
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000

// A percentile is the highest value of its HDR bucket, which can exceed the largest value actually
// recorded (p99.9 57.599 ms above a max of 57.36 ms): no percentile is reported above the max.
export function summary(q: Float64Array, maxUs: number, sumMs: number, count: number): LatencySummaryMs {
  return {
    p50: Math.min(q[0] ?? 0, maxUs) / 1000,
    p95: Math.min(q[1] ?? 0, maxUs) / 1000,
    p99: Math.min(q[2] ?? 0, maxUs) / 1000,
    p999: Math.min(q[3] ?? 0, maxUs) / 1000,
    max: maxUs / 1000,
    mean: count > 0 ? round3(sumMs / count) : 0,
  }
}

/**
 * A record keyed by names apps send. Without a prototype, a task named `__proto__` (or
 * `constructor`) is an own key like any other, so it is listed and serialized.
 */
function byName<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>
}

function labelsOf(pairs: ReadonlyArray<readonly [string, string]>): Record<string, string> {
  const out = byName<string>()
  for (const [name, value] of pairs) out[name] = value
  return out
}

/** `traceUrlTemplate`: --trace-url-template, for each task exemplar's `url`; `nowUnixMs`: the wall clock exemplars are dated by. */
export function buildDashboard(
  aggregator: Aggregator,
  agent: Record<string, unknown>,
  traceUrlTemplate: string | null = null,
  nowUnixMs: number = Date.now(),
): DashboardSnapshot {
  aggregator.refreshActive()
  const figures = new TaskFigures(aggregator)
  const q = new Float64Array(4)
  const tasks = byName<TaskSnapshot>()
  let activeTotal = 0
  for (const task of aggregator.tasks.values()) {
    task.histogram.readFigures(QUANTILES, q, NO_THRESHOLDS, NO_THRESHOLDS)
    const count = task.histogram.totalCount
    const cumulative = summary(q, task.histogram.maxUs, task.sumMs, count)
    const windowMaxUs = figures.readWindowQuantiles(task, q)
    const totals = figures.totals
    const rps = round3(figures.windowRate())
    const windowed = summary(q, windowMaxUs, totals.sumMs, totals.requests)
    const completed = task.completed
    activeTotal += task.active
    tasks[task.id] = {
      name: task.name,
      labels: labelsOf(task.labels),
      active: task.active,
      completed,
      failed: task.errors,
      success: task.success,
      error_rate: completed > 0 ? task.errors / completed : 0,
      rps,
      count,
      sum_ms: task.sumMs,
      latency_ms: cumulative,
      window: {
        rps,
        requests: totals.requests,
        errors: totals.errors,
        error_rate: totals.requests > 0 ? totals.errors / totals.requests : 0,
        latency_ms: windowed,
      },
    }
    const exemplar = taskExemplar(task, aggregator.windowSeconds, traceUrlTemplate, nowUnixMs)
    if (exemplar !== null) (tasks[task.id] as TaskSnapshot).exemplar = exemplar
  }
  const counters = byName<number>()
  const gauges = byName<number>()
  const histograms = byName<HistogramSnapshot>()
  for (const series of aggregator.custom.values()) {
    if (series.kind === 'counter') counters[series.displayId] = series.value
    else if (series.kind === 'gauge') gauges[series.displayId] = series.value
    else if (series.kind === 'set')
      gauges[series.displayId] = aggregator.setSize(series) // exposed as a gauge
    else if (series.histogram !== null) {
      figures.readHistogram(series.histogram, q)
      histograms[series.displayId] = {
        name: series.name,
        labels: labelsOf(series.labels),
        count: series.histogram.totalCount,
        sum: series.sum,
        p50: (q[0] ?? 0) / HISTOGRAM_SCALE,
        p95: (q[1] ?? 0) / HISTOGRAM_SCALE,
        p99: (q[2] ?? 0) / HISTOGRAM_SCALE,
        p999: (q[3] ?? 0) / HISTOGRAM_SCALE,
        max: series.histogram.maxUs / HISTOGRAM_SCALE,
      }
    }
  }
  const split = splitClients(agent)
  return {
    active_tasks: activeTotal,
    window_seconds: aggregator.windowSeconds,
    precision: aggregator.layout.significantDigits,
    uptime_seconds: round3(aggregator.uptimeSeconds()),
    tasks,
    counters,
    gauges,
    histograms,
    clients: split.clients,
    agent: split.agent,
  }
}
