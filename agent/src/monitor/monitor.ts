// The in-process monitor (createMonitor()): the Recorder calls on the agent's own aggregation core
// (MonitorCore), with no socket. It implements protocol's Recorder as TaskmeterClient does, with
// the client's call shapes: hot-shots' positional sampleRate?, tags?, callback? after the value
// (read by the same parser as the client's), tags as an object, a Map or 'key:value' strings, a
// Date timing, arrays of names, distribution, set/unique, and timer()/asyncTimer(). So a
// createClient() line becomes a createMonitor() line and every call reads the same.
import { type StatCallback, callBack, parseStatArgs, wrapAsync, wrapSync } from '@taskmeter/instrument'
import type {
  Recorder,
  RecorderCallback,
  RecorderName,
  RecorderRateTagsOrCallback,
  RecorderTagsOrCallback,
} from '@taskmeter/protocol'
import { COUNT, END_ERROR, GAUGE, GAUGE_DELTA, HISTOGRAM, MonitorCore, SET, TIMING } from './monitor-core.js'
import type { MonitorOptions } from './monitor-options.js'

export type { MonitorStats } from './monitor-core.js'

type Trailing = [a?: RecorderRateTagsOrCallback, b?: RecorderTagsOrCallback, c?: RecorderCallback]

const KIND_NAMES: Readonly<Record<number, string>> = {
  [TIMING]: 'timing',
  [END_ERROR]: 'timer',
  [COUNT]: 'count',
  [GAUGE]: 'gauge',
  [GAUGE_DELTA]: 'gauge_delta',
  [HISTOGRAM]: 'histogram',
  [SET]: 'set',
}

export class Monitor extends MonitorCore implements Recorder {
  /** One completed, successful request of task `name` that took `value` ms; a Date is its start. */
  readonly timing: Recorder['timing'] = (name, value, a, b, c) => {
    // The hot path (a name and a number, nothing after): no argument parsing.
    if (a === undefined && typeof name === 'string' && typeof value === 'number')
      this.request(name, value, false, 1, undefined)
    else this.stat(TIMING, name, value, a, b, c, undefined)
  }
  /** Counter += value (default 1), −= for decrement; the value may be left out before the tags or the callback. */
  readonly increment = this.counterCall(1)
  readonly decrement = this.counterCall(-1)
  /** Gauge = value; gaugeDelta: gauge += delta (hot-shots' name). */
  readonly gauge = this.metricCall(GAUGE)
  readonly gaugeDelta = this.metricCall(GAUGE_DELTA)
  /** One observation of histogram `name`; DogStatsD's distribution is one too (the monitor computes percentiles). */
  readonly histogram = this.metricCall(HISTOGRAM)
  readonly distribution = this.metricCall(HISTOGRAM)
  /** One member of set `name` (unique is hot-shots' other name): unique members over the window. */
  readonly set: Recorder['set'] = (name, member, a, b, c) => this.stat(SET, name, member, a, b, c, undefined)
  readonly unique: Recorder['unique'] = this.set

  /** fn wrapped so that every call is timed as task `name`; a call that throws is a failed request. */
  readonly timer: Recorder['timer'] = <A extends unknown[], R>(
    fn: (...args: A) => R,
    name: RecorderName,
    ...rest: Trailing
  ): ((...args: A) => R) => {
    if (!this.isFunction(fn)) return (() => undefined) as unknown as (...args: A) => R
    return wrapSync(fn, this.now, (start, failed) => this.timed(name, start, failed, rest))
  }

  /** timer() for an async fn: timed until its promise settles; the wrapper always returns a promise. */
  readonly asyncTimer: Recorder['asyncTimer'] = <A extends unknown[], R>(
    fn: (...args: A) => R | PromiseLike<R>,
    name: RecorderName,
    ...rest: Trailing
  ): ((...args: A) => Promise<R>) => {
    if (!this.isFunction(fn)) return () => Promise.resolve(undefined as unknown as R)
    return wrapAsync(fn, this.now, (start, failed) => this.timed(name, start, failed, rest))
  }

  private isFunction(fn: unknown): boolean {
    if (typeof fn === 'function') return true
    this.series.misused()
    return false
  }

  private metricCall(kind: number): Recorder['gauge'] {
    return (name, value, a, b, c) => this.metric(kind, name, value, a, b, c)
  }

  private counterCall(sign: number): Recorder['increment'] {
    return (name, value, a, b, c) => this.count(name, value, sign, a, b, c)
  }

  private metric(kind: number, name: unknown, value: unknown, a: unknown, b: unknown, c: unknown): void {
    if (a === undefined && typeof name === 'string') this.custom(kind, name, value, 1, undefined)
    else this.stat(kind, name, value, a, b, c, undefined)
  }

  // hot-shots lets the value be left out before tags or a callback: then it is 1 (−1 to decrement).
  private count(name: unknown, value: unknown, sign: number, a: unknown, b: unknown, c: unknown): void {
    if (value === undefined || value === null) this.stat(COUNT, name, sign, a, b, c, undefined)
    else if (typeof value === 'number') {
      if (a === undefined && typeof name === 'string') this.custom(COUNT, name, sign * value, 1, undefined)
      else this.stat(COUNT, name, sign * value, a, b, c, undefined)
    } else if (typeof value === 'object' || typeof value === 'function') this.stat(COUNT, name, sign, value, a, b, c)
    else this.stat(COUNT, name, value, a, b, c, undefined)
  }

  private timed(name: unknown, startMs: number, failed: boolean, rest: Trailing): void {
    const ms = Math.max(0, this.now() - startMs)
    this.stat(failed ? END_ERROR : TIMING, name, ms, rest[0], rest[1], rest[2], undefined)
  }

  /**
   * One call with hot-shots' trailing arguments ([sampleRate] [tags] [callback], each optional).
   * An array of names is one event per name, each sampled on its own; the callback is called
   * once, with an Error naming the first drop's reason when the call dropped anything.
   */
  private stat(kind: number, name: unknown, value: unknown, a: unknown, b: unknown, c: unknown, d: unknown): void {
    const series = this.series
    const before = series.dropped
    let callback: StatCallback<Error> | null = null
    let reason = ''
    try {
      const args = parseStatArgs<Error>(a, b, c, d)
      callback = args.callback
      const { tags, misuse, rate } = args
      // A Date is when the timed work began (hot-shots): the value is the ms elapsed since.
      const given = kind === TIMING && value instanceof Date ? Date.now() - value.getTime() : value
      if (misuse !== null) series.misused()
      else if (rate !== undefined && (typeof rate !== 'number' || !(rate > 0 && rate <= 1)))
        series.invalid('bad_sample_rate')
      else if (!Array.isArray(name)) this.one(kind, name, given, rate === undefined ? 1 : rate, tags)
      else if (name.length === 0) series.invalid('bad_name')
      else {
        for (let i = 0; i < name.length; i++) {
          this.one(kind, name[i], given, rate === undefined ? 1 : rate, tags)
          if (reason === '' && series.dropped !== before) reason = series.lastReason
        }
      }
    } catch {
      series.misused()
    }
    if (callback === null) return
    if (reason === '' && series.dropped !== before) reason = series.lastReason
    const what = `${KIND_NAMES[kind] ?? 'event'} ${typeof name === 'string' ? JSON.stringify(name) : ''}`
    callBack(callback, reason === '' ? null : new Error(`taskmeter monitor: ${what.trim()} dropped: ${reason}`))
  }

  private one(kind: number, name: unknown, value: unknown, rate: number, tags: unknown): void {
    if (kind === TIMING || kind === END_ERROR) this.request(name, value, kind === END_ERROR, rate, tags)
    else if (kind === SET) this.setMember(name, value, rate, tags)
    else this.custom(kind, name, value, rate, tags)
  }
}

export function createMonitor(options?: MonitorOptions): Monitor {
  return new Monitor(options)
}
