// The public API. A TaskmeterClient is a scope (prefix + tags) over a ClientCore shared with its
// children. Every method validates its arguments, drops and counts what is bad, and never throws
// into the app; the hot path (a cached name, no per-call tags) allocates nothing. The metric calls
// take hot-shots' positional forms too (scope-recorder.ts, stat-args.ts).
import { wrapAsync, wrapSync } from '@taskmeter/instrument'
import { EVENT_KIND, type EventReason, type Recorder } from '@taskmeter/protocol'
import { fetchReport, reportUrlFor } from './agent-report.js'
import type { ClientStats } from './client-stats.js'
import { describeName } from './errors.js'
import type { MockEvent } from './mock-transport.js'
import { NameCache } from './name-cache.js'
import { ScopeRecorder } from './scope-recorder.js'
import type { StatCallback } from './stat-args.js'
import { ScopeTags } from './tag-cache.js'
import type { TagInput } from './tags.js'
import type { TimerResult } from './task-timer.js'
import { type ExemplarIds, type TraceIds, parseTraceIds } from './trace-ids.js'

const KIND_TIMING = EVENT_KIND.timing
const KIND_COUNT = EVENT_KIND.count
const KIND_GAUGE = EVENT_KIND.gauge
const KIND_GAUGE_DELTA = EVENT_KIND.gauge_delta
const KIND_HISTOGRAM = EVENT_KIND.histogram
const NO_MOCK_EVENTS: readonly MockEvent[] = Object.freeze([])

export type EndTimer = (result?: TimerResult) => number

/** A name, or an array of names: the event is sent once per name (hot-shots' multi-stat). */
export type StatName = string | readonly string[]
/** The third argument of a metric call: a sample rate, the tags, or the callback. */
export type RateTagsOrCallback = number | TagInput | StatCallback
/** The fourth: the tags or the callback. */
export type TagsOrCallback = TagInput | StatCallback

/** gauge, gaugeDelta, histogram, distribution: hot-shots' order after the value. */
export type MetricCall = (
  name: StatName,
  value: number,
  sampleRateOrTags?: RateTagsOrCallback,
  tags?: TagsOrCallback,
  callback?: StatCallback,
) => void

/** set, unique: a member (a string, or a number sent as its decimal text), then hot-shots' order. */
export type SetCall = (
  name: StatName,
  member: string | number,
  sampleRateOrTags?: RateTagsOrCallback,
  tags?: TagsOrCallback,
  callback?: StatCallback,
) => void

/** increment, decrement: the value (default 1) may be left out before the tags or the callback. */
export type CounterCall = (
  name: StatName,
  value?: number | TagsOrCallback,
  sampleRateOrTags?: RateTagsOrCallback,
  tags?: TagsOrCallback,
  callback?: StatCallback,
) => void

export interface ChildOptions {
  /** Appended to the parent's prefix: prefix 'myapp.' then child 'db.' gives 'myapp.db.'. */
  prefix?: string
  /** Merged over the parent's tags. */
  tags?: TagInput
  /** hot-shots name for `tags`. */
  globalTags?: TagInput
}

export interface ReportOptions {
  /** Task names (this scope's prefix is added); default: every task this client has sent. */
  tasks?: readonly string[]
}

export class TaskmeterClient extends ScopeRecorder implements Recorder {
  /** The id in this client's datagram headers (SPEC.md §3.3): the clientId option, or `<hostname>:<pid>:<4 hex>`. */
  get clientId(): string {
    return this.core.clientId
  }

  /** With `mock: true`, every event recorded so far, decoded from its wire form. */
  get mockEvents(): readonly MockEvent[] {
    return this.core.mock === null ? NO_MOCK_EVENTS : this.core.mock.events
  }

  /**
   * One completed, successful request of task `name` that took `value` ms; a Date is the start
   * (the ms since then are sent). Then, hot-shots' order: sampleRate?, tags?, callback?.
   */
  timing(
    name: StatName,
    value: number | Date,
    sampleRateOrTags?: RateTagsOrCallback,
    tags?: TagsOrCallback,
    callback?: StatCallback,
  ): void {
    if (sampleRateOrTags === undefined && typeof name === 'string' && typeof value === 'number')
      this.record(KIND_TIMING, name, value, 1, undefined)
    else this.stat(KIND_TIMING, name, value, sampleRateOrTags, tags, callback, undefined)
  }

  /** Counter += value (default 1); the value may be left out before tags or a callback. */
  readonly increment: CounterCall = (name, value, a, b, c) => this.count(name, value, 1, a, b, c)
  /** Counter −= value (default 1). */
  readonly decrement: CounterCall = (name, value, a, b, c) => this.count(name, value, -1, a, b, c)
  /** Gauge = value. */
  readonly gauge: MetricCall = (name, value, a, b, c) => this.metric(KIND_GAUGE, name, value, a, b, c)
  /** Gauge += delta (hot-shots' name). */
  readonly gaugeDelta: MetricCall = (name, delta, a, b, c) => this.metric(KIND_GAUGE_DELTA, name, delta, a, b, c)
  /** One observation of histogram `name`. */
  readonly histogram: MetricCall = (name, value, a, b, c) => this.metric(KIND_HISTOGRAM, name, value, a, b, c)
  /** DogStatsD's distribution: the agent computes its percentiles, so it is a histogram here. */
  readonly distribution: MetricCall = (name, value, a, b, c) => this.metric(KIND_HISTOGRAM, name, value, a, b, c)
  /** One member of set `name`: the agent exposes how many unique members it saw over its window. */
  readonly set: SetCall = (name, member, a, b, c) => this.stat(EVENT_KIND.set, name, member, a, b, c, undefined)
  /** hot-shots' other name for set. */
  readonly unique: SetCall = (name, member, a, b, c) => this.stat(EVENT_KIND.set, name, member, a, b, c, undefined)

  /**
   * hot-shots' timer(): fn wrapped so that every call is timed as task `name`. A call that throws
   * is sent as a failed request (task_end_error) and the error rethrown.
   */
  timer<A extends unknown[], R>(
    fn: (...args: A) => R,
    name: StatName,
    sampleRateOrTags?: RateTagsOrCallback,
    tags?: TagsOrCallback,
    callback?: StatCallback,
  ): (...args: A) => R {
    if (!this.isFunction(fn, 'timer', name)) return (() => undefined) as unknown as (...args: A) => R
    return wrapSync(fn, this.core.options.now, (start, failed) =>
      this.timed(name, start, failed, sampleRateOrTags, tags, callback),
    )
  }

  /** timer() for an async fn: timed until its promise settles; the wrapper always returns a promise. */
  asyncTimer<A extends unknown[], R>(
    fn: (...args: A) => R | PromiseLike<R>,
    name: StatName,
    sampleRateOrTags?: RateTagsOrCallback,
    tags?: TagsOrCallback,
    callback?: StatCallback,
  ): (...args: A) => Promise<R> {
    if (!this.isFunction(fn, 'asyncTimer', name)) return () => Promise.resolve(undefined as unknown as R)
    return wrapAsync(fn, this.core.options.now, (start, failed) =>
      this.timed(name, start, failed, sampleRateOrTags, tags, callback),
    )
  }

  /**
   * Runs fn as one request of task `name`: in flight while it runs, then ended as success or
   * error with its duration. Resolves to fn's value; rejects with fn's own error, untouched.
   */
  async trackAsync<T>(name: string, fn: () => T | PromiseLike<T>, tags?: TagInput): Promise<T> {
    if (!this.isFunction(fn, 'trackAsync', name)) return undefined as unknown as T
    const timer = this.beginTask(name, tags)
    let failed = true
    try {
      const value = await fn()
      failed = false
      return value
    } finally {
      timer.end(failed ? 'error' : 'success', undefined)
    }
  }

  /** Starts task `name`; call the returned end({ status?, tags? }) once. It returns the ms taken. */
  startTimer(name: string, tags?: TagInput): EndTimer {
    const timer = this.beginTask(name, tags)
    return (result?: TimerResult) => timer.endWith(result)
  }

  /** A client with more prefix and tags, sharing this one's socket, batch and stats. */
  child(options?: ChildOptions): TaskmeterClient {
    let reason: EventReason | null = this.scopeReason
    let prefix = this.names.prefix
    let scopeTags = this.scopeTags
    try {
      const given: ChildOptions = typeof options === 'object' && options !== null ? options : {}
      const childPrefix: unknown = given.prefix ?? ''
      const created = ScopeTags.create(given.tags ?? given.globalTags, this.scopeTags)
      if (typeof childPrefix !== 'string') reason ??= 'bad_name'
      else prefix += childPrefix
      if (Buffer.byteLength(prefix) >= 200) reason ??= 'name_too_long'
      if (typeof created === 'string') reason ??= created
      else scopeTags = created
    } catch {
      reason ??= 'bad_tags'
    }
    return new TaskmeterClient(this.core, new NameCache(prefix), scopeTags, reason, this.exemplar)
  }

  /**
   * This client bound to a trace: every timing, task end (trackAsync, startTimer, timer) and
   * histogram sent through the view carries `traceId` and `spanId` as an exemplar (SPEC.md §3.4),
   * in place of the active OpenTelemetry span's. The ids as OpenTelemetry writes them: 32 and 16
   * lowercase hex digits, not all zero. Others are counted as bad_exemplar, and the view sends as
   * this client does. A separate call, so hot-shots' positional arguments keep their meaning.
   */
  withTrace(ids: TraceIds): TaskmeterClient {
    let exemplar: ExemplarIds | null = null
    try {
      exemplar = parseTraceIds(ids)
    } catch {
      // A getter that throws is bad ids like any other.
    }
    if (exemplar === null)
      this.core.telemetry.drop(
        'bad_exemplar',
        1,
        'withTrace() takes { traceId: 32, spanId: 16 lowercase hex digits, not all zero }; sending without the exemplar',
      )
    const sent = this.core.options.exemplars ? exemplar : null
    return new TaskmeterClient(this.core, this.names, this.scopeTags, this.scopeReason, sent)
  }

  /** Sends what is buffered (and an in-flight report); resolves once the socket took it. */
  flush(): Promise<void> {
    return this.core.flush()
  }

  /** Flushes, tells the agent nothing is in flight any more, and closes the socket. */
  close(): Promise<void> {
    return this.core.close()
  }

  /** The agent's text report (GET /report) for this client's tasks; a one-line reason on failure. */
  async report(options?: ReportOptions): Promise<string> {
    const core = this.core
    if (core.mock !== null) return 'taskmeter report unavailable: mock client, there is no agent'
    try {
      await core.flush()
      const tasks: string[] = []
      if (options !== undefined && options !== null && Array.isArray(options.tasks)) {
        for (let i = 0; i < options.tasks.length; i++) tasks.push(this.names.prefix + String(options.tasks[i]))
      } else {
        for (const name of core.taskNames) tasks.push(name)
      }
      return await fetchReport(reportUrlFor(core.options.reportUrl, tasks), core.options.reportTimeoutMs)
    } catch (error) {
      return `taskmeter report unavailable: ${error instanceof Error ? error.message : typeof error}`.replace(
        /\s+/g,
        ' ',
      )
    }
  }

  /** The client's own telemetry: events sent, pending, sampled out, and dropped by reason. */
  stats(): ClientStats {
    return this.core.stats()
  }

  private metric(kind: number, name: unknown, value: unknown, a: unknown, b: unknown, c: unknown): void {
    if (a === undefined && typeof name === 'string' && typeof value === 'number')
      this.record(kind, name, value, 1, undefined)
    else this.stat(kind, name, value, a, b, c, undefined)
  }

  // hot-shots lets the value be left out before tags or a callback: then it is 1 (−1 to decrement).
  private count(name: unknown, value: unknown, sign: number, a: unknown, b: unknown, c: unknown): void {
    if (value === undefined || value === null) this.stat(KIND_COUNT, name, sign, a, b, c, undefined)
    else if (typeof value === 'number') {
      if (a === undefined && typeof name === 'string')
        this.record(KIND_COUNT, name, sign * value, this.core.options.sampleRate, undefined)
      else this.stat(KIND_COUNT, name, sign * value, a, b, c, undefined)
    } else if (typeof value === 'object' || typeof value === 'function')
      this.stat(KIND_COUNT, name, sign, value, a, b, c)
    else this.stat(KIND_COUNT, name, value, a, b, c, undefined)
  }

  private timed(name: StatName, startMs: number, failed: boolean, a: unknown, b: unknown, c: unknown): void {
    const ms = Math.max(0, this.core.options.now() - startMs)
    this.stat(failed ? EVENT_KIND.task_end_error : KIND_TIMING, name, ms, a, b, c, undefined)
  }

  private isFunction(fn: unknown, call: string, name: unknown): boolean {
    if (typeof fn === 'function') return true
    const what = `${call}(${describeName(name).subject.trim()}): fn is ${typeof fn}, not a function`
    this.core.telemetry.drop(
      'bad_argument',
      1,
      `${what}; ${call === 'trackAsync' ? 'resolving to undefined' : 'the wrapper does nothing'}`,
    )
    return false
  }
}
