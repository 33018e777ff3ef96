// What may follow a metric's value, hot-shots' positional order: [sampleRate] [tags] [callback],
// each optional, told apart by type (a number is the rate, a function the callback, anything
// else the tags, which are then checked as tags). So `timing(name, ms, tags)` and
// `timing(name, ms, 0.5, tags, cb)` both read as meant, and an argument out of that order is
// misuse (bad_argument), never a silent guess. Shared by the client and the in-process monitor so
// that one call reads the same on both; `E` is the error each hands its callback on a drop.

/** Called once per call, inside try/catch: no argument when the event was kept (or sampled out), the drop error when it was dropped. */
export type StatCallback<E = unknown> = (error?: E) => void

export interface StatArgs<E = unknown> {
  rate: unknown
  tags: unknown
  callback: StatCallback<E> | null
  /** Why the arguments are out of order, or null. */
  misuse: string | null
}

// One scratch record, read into locals at once by the caller, so parsing allocates nothing.
const SCRATCH: StatArgs = { rate: undefined, tags: undefined, callback: null, misuse: null }

function typeOf(arg: unknown): string {
  return Array.isArray(arg) ? 'an array' : typeof arg === 'object' ? 'an object' : `a ${typeof arg}`
}

/** Sorts up to four trailing arguments; null and undefined stand for an argument not given. */
export function parseStatArgs<E = unknown>(a: unknown, b: unknown, c: unknown, d: unknown): StatArgs<E> {
  const out = SCRATCH as StatArgs<E>
  out.rate = undefined
  out.tags = undefined
  out.callback = null
  out.misuse = null
  // 0: the rate may come next; 1: the tags; 2: only the callback; 3: nothing.
  let slot = 0
  for (let i = 0; i < 4; i++) {
    const arg = i === 0 ? a : i === 1 ? b : i === 2 ? c : d
    if (arg === undefined || arg === null) continue
    if (typeof arg === 'function' && out.callback === null) {
      out.callback = arg as StatCallback<E>
      slot = 3
    } else if (typeof arg === 'number' && slot === 0) {
      out.rate = arg
      slot = 1
    } else if (typeof arg !== 'number' && typeof arg !== 'function' && slot <= 1) {
      out.tags = arg
      slot = 2
    } else if (out.misuse === null) {
      const place = slot === 3 ? 'after the callback' : 'after the tags'
      out.misuse = `${typeOf(arg)} ${place}; the order is name, value, sampleRate?, tags?, callback?`
    }
  }
  return out
}

function ignore(): void {}

/** Calls the app's callback; its own failure must not reach the call that recorded. */
export function callBack<E>(callback: StatCallback<E>, error: E | null): void {
  try {
    const result: unknown = error === null ? callback() : callback(error)
    // An async callback that rejects fails the same way a throwing one does.
    if (typeof result === 'object' && result !== null && typeof (result as PromiseLike<unknown>).then === 'function')
      (result as PromiseLike<unknown>).then(undefined, ignore)
  } catch {
    // The callback is the app's code, like an error handler.
  }
}
