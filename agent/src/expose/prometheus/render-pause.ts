// A large render gives the event loop back every few milliseconds, so /healthz and /ready answer
// while /metrics is built: a 64 MiB body is ~0.4 s of CPU, longer than a liveness probe waits.
const SLICE_MS = 10

export class RenderPause {
  private sliceStart = performance.now()

  /** True when this slice is used up: the caller then awaits resume(). Checked every series. */
  due(): boolean {
    return performance.now() - this.sliceStart >= SLICE_MS
  }

  /** Resolves after pending I/O (probes, UDP reads) has run. */
  async resume(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve))
    this.sliceStart = performance.now()
  }
}

/**
 * One render at a time over shared scratch buffers: callers that arrive while one runs get its
 * result (a scrape that came in during a render receives that render's body).
 */
export class SharedRender<T> {
  private running: Promise<T> | null = null

  run(render: () => Promise<T>): Promise<T> {
    if (this.running !== null) return this.running
    const started = render().finally(() => {
      this.running = null
    })
    this.running = started
    return started
  }
}

/** Runs one task at a time, in call order (renders that pause must not interleave). */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve()

  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(task, task)
    this.tail = next.catch(() => undefined)
    return next
  }
}

const COPY_SLICE_BYTES = 1024 * 1024

/**
 * One buffer of `parts`, copied a slice at a time: a single 64 MiB copy into fresh memory held
 * the event loop for ~80 ms (its page faults), longer than a probe should wait.
 */
export async function joinParts(parts: readonly Uint8Array[], pause: RenderPause): Promise<Buffer> {
  let total = 0
  for (const part of parts) total += part.length
  const out = Buffer.allocUnsafe(total)
  let at = 0
  for (const part of parts) {
    for (let from = 0; from < part.length; from += COPY_SLICE_BYTES) {
      if (pause.due()) await pause.resume()
      const slice = part.subarray(from, Math.min(part.length, from + COPY_SLICE_BYTES))
      out.set(slice, at)
      at += slice.length
    }
  }
  return out
}
