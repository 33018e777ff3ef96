// hot-shots' timer() and asyncTimer(): fn wrapped so that each call is timed. A call that
// returns (or resolves) is a timing event, as in hot-shots; one that throws (or rejects) is a
// task_end_error with its duration, because in taskmeter a timing is a *successful* request and a
// failure must count as one. The app's value and error pass through untouched. Shared by the
// client and the in-process monitor, so that both time a wrapped call the same way.

/** Sends one timed call: `failed` when fn threw or rejected. */
export type TimedEnd = (startMs: number, failed: boolean) => void

export function wrapSync<A extends unknown[], R>(
  fn: (...args: A) => R,
  now: () => number,
  end: TimedEnd,
): (...args: A) => R {
  return function timed(this: unknown, ...args: A): R {
    const startMs = now()
    let failed = true
    try {
      const value = fn.apply(this, args)
      failed = false
      return value
    } finally {
      end(startMs, failed)
    }
  }
}

/** The wrapped function always returns a promise: a synchronous throw from fn becomes a rejection. */
export function wrapAsync<A extends unknown[], R>(
  fn: (...args: A) => R | PromiseLike<R>,
  now: () => number,
  end: TimedEnd,
): (...args: A) => Promise<R> {
  return function timed(this: unknown, ...args: A): Promise<R> {
    const startMs = now()
    let result: Promise<R>
    try {
      result = Promise.resolve(fn.apply(this, args))
    } catch (error) {
      result = Promise.reject(error)
    }
    return result.then(
      (value) => {
        end(startMs, false)
        return value
      },
      (error: unknown) => {
        end(startMs, true)
        throw error
      },
    )
  }
}
