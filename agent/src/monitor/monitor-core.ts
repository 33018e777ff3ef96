// The in-process monitor's core: one event at a time on the agent's own aggregation core, with
// no socket, plus trackAsync, startTimer and the exposure. Events go straight to the Aggregator,
// weighed as the decode stage weighs the same events off the wire (ProtocolSink), so /dashboard,
// /report and /metrics read the same as the agent's for the same calls. Monitor (monitor.ts) adds
// hot-shots' call shapes over it. Like the client it never throws into the app: a bad call is
// dropped and counted.
import {
  EVENT_KIND,
  EVENT_REASONS,
  type EndTimer,
  type RecorderTags,
  type TimerResult,
  setMemberReason,
} from '@taskmeter/protocol'
import { Aggregator } from '../aggregate/aggregator.js'
import type { DashboardSnapshot } from '../expose/ui/dashboard-snapshot.js'
import type { TaskStats } from '../aggregate/task-stats.js'
import { hashSetMember } from '../aggregate/set-members.js'
import { DecodeStats } from '../decode/decode-stats.js'
import { MIN_SAMPLE_RATE } from '../decode/protocol-sink.js'
import { MonitorExposure, type MonitorServer, type ServeOptions } from './monitor-exposure.js'
import { type MonitorOptions, resolveMonitorOptions } from './monitor-options.js'
import { MonitorSeries } from './monitor-series.js'
import { TaskRun, mergeEndTags } from './monitor-timer.js'
import { WindowClock } from './window-clock.js'

// Event kinds as DecodeStats indexes them (the wire's kind − 1).
export const TIMING = EVENT_KIND.timing - 1
export const COUNT = EVENT_KIND.count - 1
export const GAUGE = EVENT_KIND.gauge - 1
export const GAUGE_DELTA = EVENT_KIND.gauge_delta - 1
export const HISTOGRAM = EVENT_KIND.histogram - 1
export const SET = EVENT_KIND.set - 1
const END_SUCCESS = EVENT_KIND.task_end_success - 1
export const END_ERROR = EVENT_KIND.task_end_error - 1
// A set member's UTF-8 bytes, for its hash: setMemberReason has checked they fit.
const MEMBER_BYTES = new Uint8Array(1024)
const UTF8 = new TextEncoder()
// Equal to no name a caller can pass (an object is never === a string).
const NO_NAME: unknown = Object.freeze({})

export interface MonitorStats {
  /** Calls dropped, by reason: the wire's event reasons, and bad_argument for API misuse. */
  dropped: Record<string, number>
}

/** What a sampled event weighs (timings, observations), as the agent weighs one off the wire. */
function weightOf(rate: number): number {
  return rate === 1 ? 1 : Math.max(1, Math.round(1 / (rate < MIN_SAMPLE_RATE ? MIN_SAMPLE_RATE : rate)))
}

export class MonitorCore {
  readonly aggregator: Aggregator
  private readonly events: DecodeStats
  protected readonly series: MonitorSeries
  private readonly exposure: MonitorExposure
  protected readonly now: () => number
  private readonly random: () => number
  private readonly clock: WindowClock
  // The last untagged task timed, before the Map: a loop or handler timing one task skips the
  // lookup (~5 ns of a ~50 ns call, bench/monitor.bench.mjs).
  private lastTaskName: unknown
  private lastTask: TaskStats | null

  constructor(options?: MonitorOptions) {
    const resolved = resolveMonitorOptions(options)
    this.now = resolved.now
    this.random = resolved.random
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
  }

  /**
   * One request of task `name` that took `durationMs`: a timing, or a timer()'s failed call (a
   * task end error, which settles the start balance as the agent's end event does).
   */
  protected request(name: unknown, durationMs: unknown, failed: boolean, rate: number, tags: unknown): void {
    // Values first, so that a dropped call creates no series (the client drops before sending).
    if (typeof durationMs !== 'number' || durationMs - durationMs !== 0)
      return this.series.invalid(typeof durationMs === 'number' ? 'non_finite_value' : 'bad_value')
    if (durationMs < 0) return this.series.invalid('negative_duration')
    if (this.sampledOut(rate)) return
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
    this.aggregator.recordRequest(task, durationMs, failed, weightOf(rate))
    if (failed) this.aggregator.taskEnded(task)
    this.events.eventAccepted(failed ? END_ERROR : TIMING)
  }

  /** A counter (value/rate), gauge, gauge delta or histogram observation (weighing round(1/rate)). */
  protected custom(kind: number, name: unknown, value: unknown, rate: number, tags: unknown): void {
    if (typeof value !== 'number' || value - value !== 0)
      return this.series.invalid(typeof value === 'number' ? 'non_finite_value' : 'bad_value')
    if (this.sampledOut(rate)) return
    const series = this.series.custom(
      kind === COUNT ? 'counter' : kind === HISTOGRAM ? 'histogram' : 'gauge',
      name,
      tags,
    )
    if (series === null) return
    this.clock.touch()
    if (kind === COUNT) this.aggregator.addCounter(series, value / (rate < MIN_SAMPLE_RATE ? MIN_SAMPLE_RATE : rate))
    else if (kind === GAUGE) this.aggregator.setGauge(series, value)
    else if (kind === GAUGE_DELTA) this.aggregator.addGauge(series, value)
    else this.aggregator.observe(series, value, weightOf(rate))
    this.events.eventAccepted(kind)
  }

  /**
   * One member of set `name`: a string, or a number as its decimal text, hashed over its UTF-8
   * bytes as the agent hashes a wire or StatsD member, so "42" here and `x:42|s` are one member.
   */
  protected setMember(name: unknown, member: unknown, rate: number, tags: unknown): void {
    const text: unknown = typeof member === 'number' && Number.isFinite(member) ? String(member) : member
    const reason = setMemberReason(text)
    if (reason !== null) return this.series.invalid(reason)
    if (this.sampledOut(rate)) return
    const series = this.series.custom('set', name, tags)
    if (series === null) return
    let hash: number
    if (typeof text === 'string') {
      const written = UTF8.encodeInto(text, MEMBER_BYTES).written
      hash = hashSetMember(MEMBER_BYTES, 0, written)
    } else {
      const bytes = text as Uint8Array
      hash = hashSetMember(bytes, 0, bytes.length)
    }
    this.clock.touch()
    this.aggregator.addSetMember(series, hash)
    this.events.eventAccepted(SET)
  }

  // Every call is seen in-process; a sampled one is kept with probability rate, as the client
  // keeps it, so that the figures match what an agent would show for the same app.
  private sampledOut(rate: number): boolean {
    return rate !== 1 && !(this.random() < rate)
  }

  /** Runs fn as one request of task `name`; resolves to its value, rejects with its own error. */
  async trackAsync<T>(name: string, fn: () => T | PromiseLike<T>, tags?: RecorderTags): Promise<T> {
    if (typeof fn !== 'function') {
      this.series.misused()
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
  startTimer(name: string, tags?: RecorderTags): EndTimer {
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

  /** The text of GET /metrics (our families, then the process_* and nodejs_* ones). */
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
    if (this.series.misuse > 0) dropped.bad_argument = this.series.misuse
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

  private begin(name: string, tags: RecorderTags | undefined): TaskRun {
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
      this.series.misused() // a timer ended twice: the second end is ignored
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
    this.series.misused()
    return durationMs
  }
}
