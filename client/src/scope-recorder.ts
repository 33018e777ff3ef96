// What every TaskmeterClient method ends in: a scope (prefix + tags over the shared ClientCore)
// that validates one event, drops and counts what is bad, samples, and hands the rest to the
// core. record() is the hot path; stat() is the slower one for hot-shots' positional arguments
// (sample rate, tags, callback), a Date value and an array of names.
import { callBack, parseStatArgs } from '@taskmeter/instrument'
import {
  EVENT_KIND,
  type EncodedBytes,
  type EventReason,
  carriesExemplar,
  kindName,
  setMemberReason,
} from '@taskmeter/protocol'
import type { ClientCore } from './client-core.js'
import { type DropReason, type TaskmeterDropError, describeName } from './errors.js'
import type { CachedName, NameCache } from './name-cache.js'
import type { StatCallback } from './stat-args.js'
import type { ScopeTags } from './tag-cache.js'
import { TaskTimer } from './task-timer.js'
import type { ExemplarIds } from './trace-ids.js'

const KIND_TIMING = EVENT_KIND.timing
const KIND_COUNT = EVENT_KIND.count
const KIND_TASK_ERROR = EVENT_KIND.task_end_error
const KIND_SET = EVENT_KIND.set

export class ScopeRecorder {
  protected readonly core: ClientCore
  protected readonly names: NameCache
  protected readonly scopeTags: ScopeTags
  // A child made from bad options drops every event for this reason: child() itself never throws.
  protected readonly scopeReason: EventReason | null
  // withTrace()'s ids: every timing, task end and histogram of this view carries them. Null: the
  // active OpenTelemetry span's, if any, go with timings and task ends.
  protected readonly exemplar: ExemplarIds | null

  /** Use createClient(); this constructor is internal. */
  constructor(
    core: ClientCore,
    names: NameCache,
    scopeTags: ScopeTags,
    scopeReason: EventReason | null,
    exemplar: ExemplarIds | null = null,
  ) {
    this.core = core
    this.names = names
    this.scopeTags = scopeTags
    this.scopeReason = scopeReason
    this.exemplar = exemplar
  }

  // The hot path. One try/catch guards everything the app passed (getters, proxies) so that
  // nothing escapes; with a cached name and no call tags it is a lookup, three checks and an append.
  // Returns the drop error, or null when the event was buffered or sampled out.
  protected record(
    kind: number,
    name: string,
    value: number,
    sampleRate: number,
    tags: unknown,
  ): TaskmeterDropError | null {
    const core = this.core
    try {
      if (core.closed || this.scopeReason !== null) return this.dropForScope(kind, name)
      let cached = this.names.get(name)
      if (cached === undefined) {
        const resolved = this.names.resolve(name)
        if (typeof resolved === 'string') return this.drop(resolved, kind, name)
        cached = resolved
      }
      if (typeof value !== 'number') return this.drop('bad_value', kind, name)
      // NaN and ±Infinity: the only numbers for which x - x is not 0.
      if (value - value !== 0) return this.drop('non_finite_value', kind, name)
      if (value < 0 && kind === KIND_TIMING) return this.drop('negative_duration', kind, name)
      const tagBytes = tags === undefined ? this.scopeTags.bytes : this.scopeTags.forCall(tags)
      if (typeof tagBytes === 'string') return this.drop(tagBytes, kind, name)
      if (this.sampledOut(sampleRate)) return null
      if (!cached.isTask && (kind === KIND_TIMING || kind === KIND_TASK_ERROR)) this.markTask(cached)
      // Two null checks when there is no trace to look for: the hot path stays as small as it was.
      if (this.exemplar === null && core.activeSpan === null) core.emit(kind, cached.bytes, value, sampleRate, tagBytes)
      else this.emitTraced(kind, cached.bytes, value, sampleRate, tagBytes)
      return null
    } catch (error) {
      return this.drop('bad_argument', kind, name, error)
    }
  }

  // withTrace()'s ids with every kind the agent attaches an exemplar to; the active span's with
  // timings and failed timer() calls (task ends get it in TaskTimer.end).
  private emitTraced(kind: number, name: EncodedBytes, value: number, rate: number, tags: EncodedBytes | null): void {
    const core = this.core
    const ids =
      this.exemplar !== null
        ? carriesExemplar(kind)
          ? this.exemplar
          : null
        : core.activeSpan !== null && (kind === KIND_TIMING || kind === KIND_TASK_ERROR)
          ? core.activeSpan.current()
          : null
    if (ids === null) core.emit(kind, name, value, rate, tags)
    else core.emitTraced(kind, name, value, rate, tags, ids)
  }

  /**
   * One StatsD set member (hot-shots' set/unique): a string, or a number sent as its decimal text
   * so that set(name, 42) and a StatsD `name:42|s` are one member at the agent.
   */
  protected recordSet(name: string, member: unknown, sampleRate: number, tags: unknown): TaskmeterDropError | null {
    const core = this.core
    try {
      if (core.closed || this.scopeReason !== null) return this.dropForScope(KIND_SET, name)
      const cached = this.names.get(name) ?? this.names.resolve(name)
      if (typeof cached === 'string') return this.drop(cached, KIND_SET, name)
      const text: unknown = typeof member === 'number' && Number.isFinite(member) ? String(member) : member
      const reason = setMemberReason(text)
      if (reason !== null) return this.drop(reason, KIND_SET, name)
      const tagBytes: EncodedBytes | null | EventReason =
        tags === undefined ? this.scopeTags.bytes : this.scopeTags.forCall(tags)
      if (typeof tagBytes === 'string') return this.drop(tagBytes, KIND_SET, name)
      if (!this.sampledOut(sampleRate)) core.emitSet(cached.bytes, text as string | Uint8Array, sampleRate, tagBytes)
      return null
    } catch (error) {
      return this.drop('bad_argument', KIND_SET, name, error)
    }
  }

  private sampledOut(sampleRate: number): boolean {
    if (sampleRate === 1 || this.core.options.random() < sampleRate) return false
    this.core.telemetry.sampledOut++
    return true
  }

  private recordAny(
    kind: number,
    name: unknown,
    value: unknown,
    rate: number,
    tags: unknown,
  ): TaskmeterDropError | null {
    return kind === KIND_SET
      ? this.recordSet(name as string, value, rate, tags)
      : this.record(kind, name as string, value as number, rate, tags)
  }

  /**
   * One metric call with hot-shots' trailing arguments: a, b, c, d are [sampleRate] [tags]
   * [callback] in that order, each optional. `name` may be an array: one event per name, each
   * sampled on its own; the callback is called once, with the first drop's error if any.
   */
  protected stat(kind: number, name: unknown, value: unknown, a: unknown, b: unknown, c: unknown, d: unknown): void {
    let callback: StatCallback | null = null
    let error: TaskmeterDropError | null = null
    let count = 1
    try {
      if (Array.isArray(name)) count = Math.max(1, name.length)
      const args = parseStatArgs<TaskmeterDropError>(a, b, c, d)
      callback = args.callback
      const { tags, misuse } = args
      const rate = args.rate === undefined ? (kind === KIND_COUNT ? this.core.options.sampleRate : 1) : args.rate
      // A Date is when the timed work began (hot-shots): the value is the ms elapsed since.
      const given = kind === KIND_TIMING && value instanceof Date ? Date.now() - value.getTime() : value
      if (misuse !== null) error = this.drop('bad_argument', kind, name, undefined, misuse, count)
      else if (typeof rate !== 'number' || !(rate > 0 && rate <= 1))
        error = this.drop('bad_sample_rate', kind, name, undefined, undefined, count)
      else if (!Array.isArray(name)) error = this.recordAny(kind, name, given, rate, tags)
      else if (name.length === 0) error = this.drop('bad_name', kind, name, undefined, 'an empty array of names')
      else {
        for (let i = 0; i < name.length; i++) {
          const dropped = this.recordAny(kind, name[i], given, rate, tags)
          if (error === null) error = dropped
        }
      }
    } catch (cause) {
      error = this.drop('bad_argument', kind, name, cause, undefined, count)
    }
    if (callback !== null) callBack(callback, error)
  }

  protected beginTask(name: string, tags: unknown): TaskTimer {
    const core = this.core
    const timer = new TaskTimer(core, this.scopeTags, core.options.now(), this.exemplar)
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

  private dropForScope(kind: number, name: unknown): TaskmeterDropError {
    if (this.core.closed) return this.drop('closed', kind, name)
    return this.drop(this.scopeReason ?? 'bad_argument', kind, name, undefined, 'a child() made with bad options')
  }

  protected drop(
    reason: DropReason,
    kind: number,
    name: unknown,
    cause?: unknown,
    why?: string,
    count = 1,
  ): TaskmeterDropError {
    const { subject, detail } = describeName(name)
    const because = [detail, why].filter((text) => text !== undefined).join('; ')
    const what = `${kindName(kind) ?? 'event'}${subject} dropped: ${reason}${because === '' ? '' : ` (${because})`}`
    return this.core.telemetry.drop(reason, count, what, cause)
  }
}
