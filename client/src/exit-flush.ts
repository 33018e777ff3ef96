// Flush on a clean exit: 'beforeExit' runs when the event loop empties, and a send started there
// still goes out (a send libuv has to queue gives the loop work, and beforeExit fires again once
// it is done). process.on('exit') handlers cannot do this: the loop is gone and no I/O completes.
// A client flushes here only when events are buffered: a heartbeat for a task that never ends,
// sent on every beforeExit, could otherwise keep re-arming it and the process would not exit.
// One listener for all clients, so many clients never trip MaxListenersExceededWarning.

export interface ExitFlushable {
  /** Sends buffered events; sends nothing when nothing is buffered (see above). */
  flushBeforeExit(): void
}

const liveClients = new Set<ExitFlushable>()

function flushAll(): void {
  for (const client of liveClients) {
    try {
      client.flushBeforeExit()
    } catch {
      // flushBeforeExit never throws by design; this guards the exit path of the host app regardless.
    }
  }
}

export function registerExitFlush(client: ExitFlushable): void {
  if (liveClients.size === 0) process.on('beforeExit', flushAll)
  liveClients.add(client)
}

export function unregisterExitFlush(client: ExitFlushable): void {
  if (!liveClients.delete(client)) return
  if (liveClients.size === 0) process.off('beforeExit', flushAll)
}
