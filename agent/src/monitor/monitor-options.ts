// createMonitor() options: the agent's aggregation flags (--window, --precision, --buckets,
// --max-series) with the same defaults and ranges, plus the client's prefix and tags so that a
// createClient() line becomes a createMonitor() line. Validated once; a bad option is API misuse
// and throws a TaskmeterError (the recording calls themselves never throw).
import { type TagInput, encodeTags } from '@taskmeter/protocol'
import { TaskmeterError } from '../config/taskmeter-error.js'
import { DEFAULT_BUCKETS } from '../config/load-config.js'
import { worstCaseBytes } from '../config/memory-budget.js'

export interface MonitorOptions {
  /** Seconds of the sliding window for req/s and windowed percentiles, 1..3600 (default 60). */
  window?: number
  /** HdrHistogram significant digits, 1..5 (default 2). */
  precision?: number
  /** `le` bounds in seconds of task_duration_seconds (default 0.001 … 10, as the agent). */
  buckets?: readonly number[]
  /** Cap on tasks + custom series; past it new series are dropped and counted (default 10 000). */
  maxSeries?: number
  /** Put before every name, as the client's prefix. */
  prefix?: string
  /** Labels on every series, as the client's tags; per-call tags win for the same key. */
  tags?: TagInput
  /** The process_* and nodejs_* families (prom-client's default set) in metrics() and /metrics (default true). */
  processMetrics?: boolean
  /** Testing hook: a monotonic clock in ms (default performance.now). */
  now?: () => number
  /** Testing hook: the random source for sample rates, in [0, 1) (default Math.random). */
  random?: () => number
}

export interface ResolvedMonitorOptions {
  readonly windowSeconds: number
  readonly precision: number
  readonly buckets: readonly number[]
  readonly maxSeries: number
  readonly prefix: string
  readonly tags: ReadonlyMap<string, string>
  readonly processMetrics: boolean
  readonly now: () => number
  readonly random: () => number
}

// The agent refuses a worst case above --max-memory's default; the monitor shares the process
// with the app, so it keeps to the same budget.
const MAX_MEMORY_BYTES = 512 * 1024 * 1024

function invalid(option: string, allowed: string, got: unknown): TaskmeterError {
  const shown = typeof got === 'number' || typeof got === 'string' ? JSON.stringify(got) : typeof got
  return new TaskmeterError('TM_ERR_MONITOR_OPTIONS', `createMonitor: ${option} must be ${allowed} (got ${shown})`)
}

function integer(option: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw invalid(option, `an integer ${min}..${max}`, value)
  return value
}

function buckets(value: unknown): readonly number[] {
  if (value === undefined) return Object.freeze(DEFAULT_BUCKETS.split(',').map(Number))
  const ok =
    Array.isArray(value) &&
    value.length >= 1 &&
    value.length <= 64 &&
    value.every(
      (v: unknown, i) => typeof v === 'number' && Number.isFinite(v) && v > 0 && (i === 0 || v > value[i - 1]),
    )
  if (!ok) throw invalid('buckets', '1..64 increasing positive numbers of seconds', value)
  return Object.freeze([...(value as number[])])
}

function tags(value: unknown): ReadonlyMap<string, string> {
  if (value === undefined || value === null) return new Map()
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalid('tags', 'an object or Map of string to string', value)
  const merged = new Map<string, string>(
    value instanceof Map ? (value as Map<string, string>) : Object.entries(value as Record<string, string>),
  )
  const checked = encodeTags(merged)
  if (typeof checked === 'string')
    throw invalid('tags', `valid tags (${checked}: at most 16 pairs, strings, keys ≤ 64 and values ≤ 200 bytes)`, value)
  return merged
}

export function resolveMonitorOptions(options: MonitorOptions | undefined): ResolvedMonitorOptions {
  const given: MonitorOptions = options ?? {}
  if (typeof given !== 'object') throw invalid('options', 'an object', given)
  const precision = integer('precision', given.precision, 2, 1, 5)
  const maxSeries = integer('maxSeries', given.maxSeries, 10_000, 1, 10_000_000)
  if (worstCaseBytes(precision, maxSeries) > MAX_MEMORY_BYTES) {
    throw new TaskmeterError(
      'TM_ERR_MONITOR_OPTIONS',
      `createMonitor: precision ${precision} with maxSeries ${maxSeries} may need more than 512 MiB: lower precision or maxSeries`,
    )
  }
  const prefix = given.prefix ?? ''
  if (typeof prefix !== 'string' || prefix.length >= 200)
    throw invalid('prefix', 'a string under 200 characters', prefix)
  const now = given.now ?? (() => performance.now())
  if (typeof now !== 'function') throw invalid('now', 'a function', now)
  const random = given.random ?? Math.random
  if (typeof random !== 'function') throw invalid('random', 'a function', random)
  const processMetrics = given.processMetrics ?? true
  if (typeof processMetrics !== 'boolean') throw invalid('processMetrics', 'a boolean', processMetrics)
  return Object.freeze({
    windowSeconds: integer('window', given.window, 60, 1, 3600),
    precision,
    buckets: buckets(given.buckets),
    maxSeries,
    prefix,
    tags: tags(given.tags),
    processMetrics,
    now,
    random,
  })
}
