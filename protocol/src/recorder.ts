// The recording API both transports keep: TaskmeterClient sends events over UDP to a
// sidecar agent; the in-process monitor of @taskmeter/agent feeds the agent's aggregation core
// directly. App code written against Recorder moves between them by changing the line that
// creates it. Types only: protocol stays the wire format plus this contract, which is the one
// thing client and agent share besides the wire.
import type { TagInput } from './encode.js'

export type TaskStatus = 'success' | 'error'

export interface TimerResult {
  status?: TaskStatus
  /** Merged over the tags given at start, for this end only. */
  tags?: TagInput
}

/** Ends a task started by startTimer(); returns the milliseconds it took. Call it once. */
export type EndTimer = (result?: TimerResult) => number

/**
 * Both implementations validate their arguments, drop and count what is bad, and never throw
 * into the app; trackAsync's own error from fn is passed through untouched.
 */
export interface Recorder {
  /** One completed, successful request of task `name` that took `durationMs` ms. */
  timing(name: string, durationMs: number, tags?: TagInput): void
  /** Counter += value (default 1); a number third is a sample rate (hot-shots order). */
  increment(name: string, value?: number, sampleRateOrTags?: number | TagInput, tags?: TagInput): void
  /** Counter −= value (default 1). */
  decrement(name: string, value?: number, sampleRateOrTags?: number | TagInput, tags?: TagInput): void
  gauge(name: string, value: number, tags?: TagInput): void
  gaugeDelta(name: string, delta: number, tags?: TagInput): void
  histogram(name: string, value: number, tags?: TagInput): void
  /** Runs fn as one request of task `name` (in flight while it runs, then success or error). */
  trackAsync<T>(name: string, fn: () => T | PromiseLike<T>, tags?: TagInput): Promise<T>
  startTimer(name: string, tags?: TagInput): EndTimer
  /** The text of the agent's GET /report (the client fetches it; the monitor builds it). */
  report(): string | Promise<string>
  flush(): Promise<void>
  close(): Promise<void>
}
