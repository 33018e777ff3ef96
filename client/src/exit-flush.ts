// Flush on a clean exit: 'beforeExit' runs when the event loop empties, and a send started there
// still goes out (it gives the loop work, then beforeExit fires again with nothing left to do).
// process.on('exit') handlers cannot do this: the loop is gone and no I/O completes.
// One listener for all clients, so many clients never trip MaxListenersExceededWarning.

export interface ExitFlushable {
  flushNow(): void
}

const liveClients = new Set<ExitFlushable>()

function flushAll(): void {
  for (const client of liveClients) {
    try {
      client.flushNow()
    } catch {
      // flushNow never throws by design; this guards the exit path of the host app regardless.
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
