// The in-process monitor (createMonitor()): trackAsync, startTimer and report() on the agent's own
// aggregation core, with no socket. Calls go straight to the Aggregator, as the decode stage's
// would for the same events, so /dashboard, /report and /metrics read the same as the agent's for
// the same calls. It implements protocol's Recorder, as TaskmeterClient does. Like the client it
// never throws into the app: a bad call is dropped and counted.
import {
  EVENT_KIND,
  EVENT_REASONS,
  type EndTimer,
  type Recorder,
  type TagInput,
  type TimerResult,
} from '@taskmeter/protocol'
import { Aggregator } from '../aggregate/aggregator.js'
import type { CustomKind, CustomSeries } from '../aggregate/custom-series.js'
import type { DashboardSnapshot } from '../expose/ui/dashboard-snapshot.js'
import type { TaskStats } from '../aggregate/task-stats.js'
import { DecodeStats } from '../decode/decode-stats.js'
import { MonitorExposure, type MonitorServer, type ServeOptions } from './monitor-exposure.js'
import { type MonitorOptions, resolveMonitorOptions } from './monitor-options.js'
import { MonitorSeries } from './monitor-series.js'
import { TaskRun, mergeEndTags } from './monitor-timer.js'
import { WindowClock } from './window-clock.js'

const TIMING = EVENT_KIND.timing - 1
const COUNT = EVENT_KIND.count - 1
const GAUGE = EVENT_KIND.gauge - 1
const GAUGE_DELTA = EVENT_KIND.gauge_delta - 1
const HISTOGRAM = EVENT_KIND.histogram - 1
const END_SUCCESS = EVENT_KIND.task_end_success - 1
const END_ERROR = EVENT_KIND.task_end_error - 1
// Equal to no name a caller can pass (an object is never === a string).
const NO_NAME: unknown = Object.freeze({})

export interface MonitorStats {
  /** Calls dropped, by reason: the wire's event reasons, and bad_argument for API misuse. */
  dropped: Record<string, number>
}

export class Monitor implements Recorder {
  readonly aggregator: Aggregator
  private readonly events: DecodeStats
  private readonly series: MonitorSeries
  private readonly exposure: MonitorExposure
  private readonly now: () => number
  private readonly clock: WindowClock
  // The last untagged task timed, before the Map: a loop or handler timing one task skips the
  // lookup (~5 ns of a ~50 ns call, bench/monitor.bench.mjs).
  private lastTaskName: unknown
  private lastTask: TaskStats | null
  private misuse: number

  constructor(options?: MonitorOptions) {
    const resolved = resolveMonitorOptions(options)
    this.now = resolved.now
    this.aggregator = new Aggregator({
      windowSeconds: resolved.windowSeconds,
      precision: resolved.precision,
      maxSeries: resolved.maxSeries,
      now: resolved.now,
    })
    this.events = new DecodeStats()
    this.series = new MonitorSeries(this.aggregator, this.events, resolved.prefix, resolved.tags)
    this.exposure = new MonitorExposure(this.aggregator, this.events, resolved.buckets, resolved.processMetrics)
    this.clock = new WindowClock(this.aggregator)
    this.lastTaskName = NO_NAME
    this.lastTask = null
    this.misuse = 0
  }

  timing(name: string, durationMs: number, tags?: TagInput): void {
    // Values first, so that a dropped call creates no series (the client drops before sending).
    if (typeof durationMs !== 'number' || durationMs - durationMs !== 0)
      return this.series.invalid(typeof durationMs === 'number' ? 'non_finite_value' : 'bad_value')
    if (durationMs < 0) return this.series.invalid('negative_duration')
    let task = this.lastTask
    if (name !== this.lastTaskName || tags !== undefined || task === null) {
      task = this.series.task(name, tags)
      if (task === null) return
      if (tags === undefined) {
        this.lastTaskName = name
        this.lastTask = task
      }
    }
    this.clock.touch()
    this.aggregator.recordRequest(task, durationMs, false, 1)
    this.events.eventAccepted(TIMING)
  }

  increment(name: string, value?: number, sampleRateOrTags?: number | TagInput, tags?: TagInput): void {
    this.count(name, value === undefined ? 1 : value, sampleRateOrTags, tags)
  }

  decrement(name: string, value?: number, sampleRateOrTags?: number | TagInput, tags?: TagInput): void {
    this.count(name, value === undefined ? -1 : typeof value === 'number' ? -value : value, sampleRateOrTags, tags)
  }

  gauge(name: string, value: number, tags?: TagInput): void {
    const series = this.accepted('gauge', name, value, tags)
    if (series === null) return
    this.aggregator.setGauge(series, value)
    this.events.eventAccepted(GAUGE)
  }

  gaugeDelta(name: string, delta: number, tags?: TagInput): void {
    const series = this.accepted('gauge', name, delta, tags)
    if (series === null) return
    this.aggregator.addGauge(series, delta)
    this.events.eventAccepted(GAUGE_DELTA)
  }

  histogram(name: string, value: number, tags?: TagInput): void {
    const series = this.accepted('histogram', name, value, tags)
    if (series === null) return
    this.aggregator.observe(series, value, 1)
    this.events.eventAccepted(HISTOGRAM)
  }

  /** Runs fn as one request of task `name`; resolves to its value, rejects with its own error. */
  async trackAsync<T>(name: string, fn: () => T | PromiseLike<T>, tags?: TagInput): Promise<T> {
    if (typeof fn !== 'function') {
      this.misuse++
      return undefined as unknown as T
    }
    const run = this.begin(name, tags)
    let value: T
    try {
      value = await fn()
    } catch (error) {
      this.end(run, 'error', undefined)
      throw error
    }
    this.end(run, 'success', undefined)
    return value
  }

  /** Starts task `name`; call the returned end({ status?, tags? }) once. It returns the ms taken. */
  startTimer(name: string, tags?: TagInput): EndTimer {
    const run = this.begin(name, tags)
    return (result?: TimerResult) => this.endWith(run, result)
  }

  /** The text of GET /report. */
  report(): string {
    return this.exposure.report()
  }

  /** The object of GET /dashboard. */
  snapshot(): DashboardSnapshot {
    return this.exposure.snapshot()
  }

  /** The text of GET /metrics (our families, then prom-client's process metrics). */
  metrics(): Promise<string> {
    return this.exposure.metrics()
  }

  /** Serves the agent's routes (/metrics, /dashboard, /report, the live page, …) from this process. */
  serve(options?: ServeOptions): Promise<MonitorServer> {
    return this.exposure.serve(options)
  }

  stats(): MonitorStats {
    const dropped: Record<string, number> = {}
    const reasons = this.events.eventsInvalid
    for (let i = 0; i < reasons.length; i++)
      if ((reasons[i] ?? 0) > 0) dropped[EVENT_REASONS[i] ?? 'unknown'] = reasons[i] ?? 0
    if (this.misuse > 0) dropped.bad_argument = this.misuse
    return { dropped }
  }

  /** Nothing is buffered in-process: resolves at once (kept so Recorder code can await it). */
  flush(): Promise<void> {
    return Promise.resolve()
  }

  /** Closes the servers serve() started and stops the clock ticker. Recording keeps working. */
  close(): Promise<void> {
    this.clock.stop()
    return this.exposure.close()
  }

  private isFinite(value: unknown): boolean {
    if (typeof value === 'number' && value - value === 0) return true
    this.series.invalid(typeof value === 'number' ? 'non_finite_value' : 'bad_value')
    return false
  }

  /**
   * A custom series' call, up to its update: a finite value, then its series (null: the call was
   * dropped and counted), then the window clock, which an accepted event moves on.
   */
  private accepted(kind: CustomKind, name: string, value: unknown, tags: unknown): CustomSeries | null {
    if (!this.isFinite(value)) return null
    const series = this.series.custom(kind, name, tags)
    if (series !== null) this.clock.touch()
    return series
  }

  private count(name: string, value: unknown, sampleRateOrTags: unknown, tags: unknown): void {
    let rate: unknown = 1
    let callTags: unknown = tags
    if (typeof sampleRateOrTags === 'number') rate = sampleRateOrTags
    else if (sampleRateOrTags !== undefined && sampleRateOrTags !== null) callTags = sampleRateOrTags
    // Every call is seen in-process, so a valid rate is checked and needs no scaling.
    if (typeof rate !== 'number' || !(rate > 0 && rate <= 1)) return this.series.invalid('bad_sample_rate')
    const series = this.accepted('counter', name, value, callTags)
    if (series === null) return
    this.aggregator.addCounter(series, value as number)
    this.events.eventAccepted(COUNT)
  }

  private begin(name: string, tags: TagInput | undefined): TaskRun {
    const task = this.series.task(name, tags)
    if (task !== null) {
      this.clock.touch()
      this.aggregator.taskStarted(task)
    }
    return new TaskRun(name, task, tags, this.now())
  }

  private endWith(run: TaskRun, result: unknown): number {
    if (result === undefined || result === null) return this.end(run, 'success', undefined)
    let status: unknown = 'success'
    let endTags: unknown
    try {
      if (typeof result !== 'object') return this.endMisused(run)
      const given = result as { status?: unknown; tags?: unknown }
      if (given.status !== undefined) status = given.status
      endTags = given.tags
    } catch {
      return this.endMisused(run)
    }
    if (status !== 'success' && status !== 'error') return this.endMisused(run)
    return this.end(run, status, endTags)
  }

  private end(run: TaskRun, status: 'success' | 'error', endTags: unknown): number {
    const durationMs = Math.max(0, this.now() - run.startMs)
    if (run.ended) {
      this.misuse++ // a timer ended twice: the second end is ignored
      return durationMs
    }
    run.ended = true
    const started = run.task
    if (started === null) return durationMs
    this.aggregator.taskEnded(started)
    let task: typeof started | null = started
    if (endTags !== undefined && endTags !== null) {
      const merged = mergeEndTags(run.startTags, endTags)
      if (merged === null) {
        this.series.invalid('bad_tags')
        return durationMs
      }
      task = this.series.task(run.name, merged)
    }
    if (task === null) return durationMs
    this.clock.touch()
    this.aggregator.recordRequest(task, durationMs, status === 'error', 1)
    this.events.eventAccepted(status === 'error' ? END_ERROR : END_SUCCESS)
    return durationMs
  }

  // A misused end() still ends the task's active count, but records no request (as the client).
  private endMisused(run: TaskRun): number {
    const durationMs = Math.max(0, this.now() - run.startMs)
    if (!run.ended) {
      run.ended = true
      if (run.task !== null) this.aggregator.taskEnded(run.task)
    }
    this.misuse++
    return durationMs
  }
}

export function createMonitor(options?: MonitorOptions): Monitor {
  return new Monitor(options)
}
