// The recording API both transports keep: TaskmeterClient sends events over UDP to a
// sidecar agent; the in-process monitor of @taskmeter/agent feeds the agent's aggregation core
// directly. App code written against Recorder moves between them by changing the line that
// creates it. Types only: protocol stays the wire format plus this contract, which is the one
// thing client and agent share besides the wire. The metric calls take hot-shots' positional
// order after the value: sampleRate?, tags?, callback?, each optional and told apart by type.
import type { TagInput } from './encode.js'

export type TaskStatus = 'success' | 'error'

/** Tags as an object or Map of string to string, or an array of 'key:value' (or bare 'key') strings. */
export type RecorderTags = TagInput | readonly string[]

/** Called once per call: no argument when the event was kept (or sampled out), an Error saying why it was dropped. */
export type RecorderCallback = (error?: Error) => void

/** A name, or an array of names: the event is recorded once per name (hot-shots' multi-stat). */
export type RecorderName = string | readonly string[]

/** The third argument of a metric call: a sample rate, the tags, or the callback. */
export type RecorderRateTagsOrCallback = number | RecorderTags | RecorderCallback

/** The fourth: the tags or the callback. */
export type RecorderTagsOrCallback = RecorderTags | RecorderCallback

export interface TimerResult {
  status?: TaskStatus
  /** Merged over the tags given at start, for this end only. */
  tags?: RecorderTags
}

/** Ends a task started by startTimer(); returns the milliseconds it took. Call it once. */
export type EndTimer = (result?: TimerResult) => number

/** The trailing arguments every metric call takes after its value, hot-shots' order. */
type Trailing = [
  sampleRateOrTags?: RecorderRateTagsOrCallback,
  tags?: RecorderTagsOrCallback,
  callback?: RecorderCallback,
]

/** timing: `value` ms, or a Date that is the request's start (the ms since then are recorded). */
export type RecorderTimingCall = (name: RecorderName, value: number | Date, ...rest: Trailing) => void
/** gauge, gaugeDelta, histogram, distribution. */
export type RecorderMetricCall = (name: RecorderName, value: number, ...rest: Trailing) => void
/** increment, decrement: the value (default 1) may be left out before the tags or the callback. */
export type RecorderCounterCall = (
  name: RecorderName,
  value?: number | RecorderTagsOrCallback,
  ...rest: Trailing
) => void
/** set, unique: a member (a string, or a number as its decimal text). */
export type RecorderSetCall = (name: RecorderName, member: string | number, ...rest: Trailing) => void
/** timer: fn wrapped so that every call is timed as task `name`; a call that throws is a failed request. */
export type RecorderTimer = <A extends unknown[], R>(
  fn: (...args: A) => R,
  name: RecorderName,
  ...rest: Trailing
) => (...args: A) => R
/** asyncTimer: timed until fn's promise settles; the wrapper always returns a promise. */
export type RecorderAsyncTimer = <A extends unknown[], R>(
  fn: (...args: A) => R | PromiseLike<R>,
  name: RecorderName,
  ...rest: Trailing
) => (...args: A) => Promise<R>

/**
 * Both implementations validate their arguments, drop and count what is bad, and never throw
 * into the app; trackAsync's own error from fn, and the error a timer()-wrapped fn throws, pass
 * through untouched.
 */
export interface Recorder {
  /** One completed, successful request of task `name`. */
  timing: RecorderTimingCall
  /** Counter += value (default 1). */
  increment: RecorderCounterCall
  /** Counter −= value (default 1). */
  decrement: RecorderCounterCall
  gauge: RecorderMetricCall
  gaugeDelta: RecorderMetricCall
  histogram: RecorderMetricCall
  /** DogStatsD's distribution: a histogram here (the agent computes its percentiles). */
  distribution: RecorderMetricCall
  /** One member of set `name`: unique members over the window. */
  set: RecorderSetCall
  /** hot-shots' other name for set. */
  unique: RecorderSetCall
  timer: RecorderTimer
  asyncTimer: RecorderAsyncTimer
  /** Runs fn as one request of task `name` (in flight while it runs, then success or error). */
  trackAsync<T>(name: string, fn: () => T | PromiseLike<T>, tags?: RecorderTags): Promise<T>
  startTimer(name: string, tags?: RecorderTags): EndTimer
  /** The text of the agent's GET /report (the client fetches it; the monitor builds it). */
  report(): string | Promise<string>
  flush(): Promise<void>
  close(): Promise<void>
}
