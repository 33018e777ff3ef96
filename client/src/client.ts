// The public API. A TaskmeterClient is a scope (prefix + tags) over a ClientCore shared with its
// children. Every method validates its arguments, drops and counts what is bad, and never throws
// into the app; the hot path (a cached name, no per-call tags) allocates nothing.
import { EVENT_KIND, type EventReason, type Recorder, type TagInput, kindName } from '@taskmeter/protocol'
import { fetchReport, reportUrlFor } from './agent-report.js'
import type { ClientCore } from './client-core.js'
import type { ClientStats } from './client-stats.js'
import { type DropReason, describeName } from './errors.js'
import type { MockEvent } from './mock-transport.js'
import { type CachedName, NameCache } from './name-cache.js'
import { ScopeTags } from './tag-cache.js'
import { TaskTimer, type TimerResult } from './task-timer.js'

const KIND_TIMING = EVENT_KIND.timing
const KIND_COUNT = EVENT_KIND.count
const KIND_GAUGE = EVENT_KIND.gauge
const KIND_GAUGE_DELTA = EVENT_KIND.gauge_delta
const KIND_HISTOGRAM = EVENT_KIND.histogram
const NO_MOCK_EVENTS: readonly MockEvent[] = Object.freeze([])

export type EndTimer = (result?: TimerResult) => number

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

export class TaskmeterClient implements Recorder {
  private readonly core: ClientCore
  private readonly names: NameCache
  private readonly scopeTags: ScopeTags
  // A child made from bad options drops every event for this reason: child() itself never throws.
  private readonly scopeReason: EventReason | null

  /** Use createClient(); this constructor is internal. */
  constructor(core: ClientCore, names: NameCache, scopeTags: ScopeTags, scopeReason: EventReason | null) {
    this.core = core
    this.names = names
    this.scopeTags = scopeTags
    this.scopeReason = scopeReason
  }

  /** This client's instance id in its in-flight reports (random, 16 hex chars). */
  get clientId(): string {
    return this.core.clientId
  }

  /** With `mock: true`, every event recorded so far, decoded from its wire form. */
  get mockEvents(): readonly MockEvent[] {
    return this.core.mock === null ? NO_MOCK_EVENTS : this.core.mock.events
  }

  /** One completed, successful request of task `name` that took `durationMs` ms. */
  timing(name: string, durationMs: number, tags?: TagInput): void {
    this.record(KIND_TIMING, name, durationMs, 1, tags)
  }

  /** Counter += value (default 1). hot-shots order: a number third is the sample rate. */
  increment(name: string, value?: number, sampleRateOrTags?: number | TagInput, tags?: TagInput): void {
    this.count(name, value === undefined ? 1 : value, sampleRateOrTags, tags)
  }

  /** Counter −= value (default 1). */
  decrement(name: string, value?: number, sampleRateOrTags?: number | TagInput, tags?: TagInput): void {
    this.count(name, value === undefined ? -1 : typeof value === 'number' ? -value : value, sampleRateOrTags, tags)
  }

  /** Gauge = value. */
  gauge(name: string, value: number, tags?: TagInput): void {
    this.record(KIND_GAUGE, name, value, 1, tags)
  }

  /** Gauge += delta (hot-shots' name). */
  gaugeDelta(name: string, delta: number, tags?: TagInput): void {
    this.record(KIND_GAUGE_DELTA, name, delta, 1, tags)
  }

  /** One observation of histogram `name`. */
  histogram(name: string, value: number, tags?: TagInput): void {
    this.record(KIND_HISTOGRAM, name, value, 1, tags)
  }

  /**
   * Runs fn as one request of task `name`: in flight while it runs, then ended as success or
   * error with its duration. Resolves to fn's value; rejects with fn's own error, untouched.
   */
  async trackAsync<T>(name: string, fn: () => T | PromiseLike<T>, tags?: TagInput): Promise<T> {
    if (typeof fn !== 'function') {
      this.core.telemetry.drop(
        'bad_argument',
        1,
        `trackAsync(${describeName(name)}): fn is ${typeof fn}, not a function; resolving to undefined`,
      )
      return undefined as unknown as T
    }
    const timer = this.beginTask(name, tags)
    let value: T
    try {
      value = await fn()
    } catch (error) {
      timer.end('error', undefined)
      throw error
    }
    timer.end('success', undefined)
    return value
  }

  /** Starts task `name`; call the returned end({ status?, tags? }) once. It returns the ms taken. */
  startTimer(name: string, tags?: TagInput): EndTimer {
    const timer = this.beginTask(name, tags)
    return (result?: TimerResult) => timer.endWith(result)
  }

  /** A client with more prefix and tags, sharing this one's socket, batch and stats. */
  child(options?: ChildOptions): TaskmeterClient {
    const core = this.core
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
    return new TaskmeterClient(core, new NameCache(prefix), scopeTags, reason)
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

  /** The client's own telemetry: events sent, pending, and dropped by reason. */
  stats(): ClientStats {
    return this.core.stats()
  }

  private count(name: string, value: unknown, sampleRateOrTags: unknown, tags: unknown): void {
    let rate: unknown = this.core.options.sampleRate
    let callTags: unknown = tags
    if (typeof sampleRateOrTags === 'number') rate = sampleRateOrTags
    else if (sampleRateOrTags !== undefined && sampleRateOrTags !== null) callTags = sampleRateOrTags
    if (typeof rate !== 'number' || !(rate > 0 && rate <= 1)) {
      this.drop('bad_sample_rate', KIND_COUNT, name)
      return
    }
    this.record(KIND_COUNT, name, value as number, rate, callTags as TagInput | undefined)
  }

  // The hot path. One try/catch guards everything the app passed (getters, proxies) so that
  // nothing escapes; with a cached name and no call tags it is a lookup, three checks and an append.
  private record(kind: number, name: string, value: number, sampleRate: number, tags: TagInput | undefined): void {
    const core = this.core
    try {
      if (core.closed || this.scopeReason !== null) {
        this.dropForScope(kind, name)
        return
      }
      let cached = this.names.get(name)
      if (cached === undefined) {
        const resolved = this.names.resolve(name)
        if (typeof resolved === 'string') {
          this.drop(resolved, kind, name)
          return
        }
        cached = resolved
      }
      if (typeof value !== 'number') {
        this.drop('bad_value', kind, name)
        return
      }
      // NaN and ±Infinity: the only numbers for which x - x is not 0.
      if (value - value !== 0) {
        this.drop('non_finite_value', kind, name)
        return
      }
      if (value < 0 && kind === KIND_TIMING) {
        this.drop('negative_duration', kind, name)
        return
      }
      let tagBytes = this.scopeTags.bytes
      if (tags !== undefined) {
        const resolved = this.scopeTags.forCall(tags)
        if (typeof resolved === 'string') {
          this.drop(resolved, kind, name)
          return
        }
        tagBytes = resolved
      }
      if (sampleRate !== 1 && core.options.random() >= sampleRate) {
        core.telemetry.sampledOut++
        return
      }
      if (kind === KIND_TIMING && !cached.isTask) this.markTask(cached)
      core.emit(kind, cached.bytes, value, sampleRate, tagBytes)
    } catch (error) {
      this.drop('bad_argument', kind, name, error)
    }
  }

  private beginTask(name: string, tags: TagInput | undefined): TaskTimer {
    const core = this.core
    const timer = new TaskTimer(core, this.scopeTags, core.options.now())
    try {
      if (core.closed || this.scopeReason !== null) {
        this.dropForScope(EVENT_KIND.task_end_success, name)
        return timer
      }
      const cached = this.names.get(name) ?? this.names.resolve(name)
      if (typeof cached === 'string') {
        this.drop(cached, EVENT_KIND.task_end_success, name)
        return timer
      }
      if (tags !== undefined) {
        const resolved = this.scopeTags.forCall(tags)
        if (typeof resolved === 'string') {
          this.drop(resolved, EVENT_KIND.task_end_success, name)
          return timer
        }
        timer.tagBytes = resolved
        timer.startTags = tags
      } else {
        timer.tagBytes = this.scopeTags.bytes
      }
      if (!cached.isTask) this.markTask(cached)
      timer.name = cached
      timer.task = core.inflight.start(cached.fullName, cached.bytes)
      core.inflightChanged()
    } catch (error) {
      this.drop('bad_argument', EVENT_KIND.task_end_success, name, error)
    }
    return timer
  }

  private markTask(cached: CachedName): void {
    cached.isTask = true
    this.core.rememberTask(cached.fullName)
  }

  private dropForScope(kind: number, name: unknown): void {
    if (this.core.closed) this.drop('closed', kind, name)
    else this.drop(this.scopeReason ?? 'bad_argument', kind, name, undefined, 'a child() made with bad options')
  }

  private drop(reason: DropReason, kind: number, name: unknown, cause?: unknown, why?: string): void {
    const { subject, detail } = describeName(name)
    const because = [detail, why].filter((text) => text !== undefined).join('; ')
    const what = `${kindName(kind) ?? 'event'}${subject} dropped: ${reason}${because === '' ? '' : ` (${because})`}`
    this.core.telemetry.drop(reason, 1, what, cause)
  }
}
