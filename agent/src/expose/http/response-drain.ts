// Shutdown must not cut a scrape halfway. Node's server.close() destroys every connection whose
// request has been read and whose response has been *ended*, even when most of a 15 MB body is
// still queued in user space: to Node such a connection is idle. So before the connections are
// closed, wait for every response already started to be handed whole to the kernel ('finish'), or
// for its connection to go away ('close'), bounded by a deadline so a stuck client cannot hold the
// agent.
import type { ServerResponse } from 'node:http'

/** How long shutdown waits for in-flight responses before closing their connections. */
export const RESPONSE_DRAIN_DEADLINE_MS = 5_000

export class ResponseDrain {
  private readonly inFlight = new Set<ServerResponse>()
  private allDone: (() => void) | null = null

  track(response: ServerResponse): void {
    this.inFlight.add(response)
    const settle = (): void => this.settle(response)
    response.once('finish', settle)
    response.once('close', settle)
  }

  /** Resolves when every tracked response is done, or after `deadlineMs`. */
  async settled(deadlineMs = RESPONSE_DRAIN_DEADLINE_MS): Promise<void> {
    if (this.inFlight.size === 0) return
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, deadlineMs)
      this.allDone = () => {
        clearTimeout(timer)
        resolve()
      }
    })
    this.allDone = null
  }

  private settle(response: ServerResponse): void {
    this.inFlight.delete(response)
    if (this.inFlight.size === 0 && this.allDone !== null) this.allDone()
  }
}
