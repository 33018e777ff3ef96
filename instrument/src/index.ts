// wrap() and @tracked: the analogue of Rust tracing's #[instrument], over any recorder with
// startTimer() (a TaskmeterClient, or @taskmeter/agent's in-process monitor). Each call of the
// instrumented function is one request: active while it runs, then success or error with its
// duration. The function's return value (the very same promise, for an async one) and its thrown
// error pass through untouched.
//
// A package of its own so that @taskmeter/client and @taskmeter/agent export one implementation
// while neither imports the other and protocol stays the wire format plus types. It imports
// nothing of ours: a recorder is anything with a startTimer() of the shape below, which protocol's
// Recorder has. It also holds the argument reading both recorders share (hot-shots' positional
// arguments, the tag forms), so that a call means the same on either.

/** How the helpers end a timer: no argument for a success, `{ status: 'error' }` for a failure. */
export type StopTimer = (result?: { status?: 'success' | 'error' }) => unknown

/**
 * What wrap() and @tracked need of a recorder. `Tags` is whatever its startTimer() accepts, and the
 * helpers' own tags argument is checked against that (NoInfer: the recorder decides, not the call).
 */
export interface TimerSource<Tags> {
  startTimer(name: string, tags?: Tags): StopTimer
}

const ERROR = { status: 'error' } as const

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}

function run<R>(end: StopTimer, call: () => R): R {
  let result: R
  try {
    result = call()
  } catch (error) {
    end(ERROR)
    throw error
  }
  if (isThenable(result)) {
    // Our reactions end the timer; the caller keeps the promise it passed in, and its rejection.
    try {
      result.then(
        () => end(),
        () => end(ERROR),
      )
    } catch {
      end(ERROR) // a thenable whose then() throws: the caller's await will see that too
    }
  } else {
    end()
  }
  return result
}

/** `fn` instrumented as task `name`; `this` and the arguments are passed through. */
export function wrap<This, Args extends unknown[], R, Tags>(
  recorder: TimerSource<Tags>,
  name: string,
  fn: (this: This, ...args: Args) => R,
  tags?: NoInfer<Tags>,
): (this: This, ...args: Args) => R {
  return function (this: This, ...args: Args): R {
    return run(recorder.startTimer(name, tags), () => fn.apply(this, args))
  }
}

/**
 * A method decorator (standard ECMAScript decorators, as TypeScript 5 compiles them):
 * `@tracked(monitor, 'predict')`. The recorder may be a function of the instance, for recorders
 * held in a field: `@tracked((self: Model) => self.monitor)`. The name defaults to the method's.
 */
export function tracked<This, Args extends unknown[], R, Tags>(
  recorder: TimerSource<Tags> | ((self: This) => TimerSource<Tags>),
  name?: string,
  tags?: NoInfer<Tags>,
): (
  method: (this: This, ...args: Args) => R,
  context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => R>,
) => (this: This, ...args: Args) => R {
  return (method, context) => {
    const task = name ?? String(context.name)
    return function (this: This, ...args: Args): R {
      const target = typeof recorder === 'function' ? recorder(this) : recorder
      return run(target.startTimer(task, tags), () => method.apply(this, args))
    }
  }
}

export { type StatArgs, type StatCallback, callBack, parseStatArgs } from './stat-args.js'
export { BARE_TAG_VALUE, type TagPairsInput, isTagInput, tagEntries } from './tag-pairs.js'
export { type TimedEnd, wrapAsync, wrapSync } from './timer-wrap.js'
