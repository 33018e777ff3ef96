// Shutdown must not cut a scrape halfway. Node's server.close() destroys every connection whose
// request has been read and whose response has been *ended*, even when most of a 15 MB body is
// still queued in user space: to Node such a connection is idle. So before the server closes,
// wait for every response already started to be handed whole to the kernel ('finish'), or for
// its connection to go away ('close'), bounded by a deadline so a stuck client cannot hold the
// agent. Requests that arrive after closing starts are answered 503 by fastify.
import type { ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'

/** How long shutdown waits for in-flight responses before closing their connections. */
export const RESPONSE_DRAIN_DEADLINE_MS = 5_000

export function drainResponsesOnClose(app: FastifyInstance, deadlineMs = RESPONSE_DRAIN_DEADLINE_MS): void {
  const inFlight = new Set<ServerResponse>()
  let allDone: (() => void) | null = null
  const settle = (response: ServerResponse): void => {
    inFlight.delete(response)
    if (inFlight.size === 0 && allDone !== null) allDone()
  }
  app.server.on('request', (_request, response: ServerResponse) => {
    inFlight.add(response)
    response.once('finish', () => settle(response))
    response.once('close', () => settle(response))
  })
  app.addHook('preClose', async () => {
    if (inFlight.size === 0) return
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, deadlineMs)
      allDone = () => {
        clearTimeout(timer)
        resolve()
      }
    })
    allDone = null
  })
}
