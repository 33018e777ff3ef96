// A port another process holds, or one this user may not open, is the one start-up failure an
// operator fixes by hand: the message names the flag to change, with no stack trace.

/** The error `listenOrExplain` throws: one line, and the system's code (EADDRINUSE…) to branch on. */
export class ListenError extends Error {
  readonly code: string | undefined
  constructor(message: string, code: string | undefined) {
    super(message)
    this.name = 'ListenError'
    this.code = code
  }
}

function explain(flag: string, host: string, port: number, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`
  if (code === 'EADDRINUSE')
    return `${flag} ${port}: ${where} is already in use; choose another ${flag} (0 picks a free port)`
  if (code === 'EACCES') return `${flag} ${port}: no permission to listen on ${where}; choose a port above 1023`
  if (code === 'EADDRNOTAVAIL') return `${flag} ${port}: ${host} is not an address of this machine; choose another host`
  return `${flag} ${port}: cannot listen on ${where}: ${err instanceof Error ? err.message : String(err)}`
}

/** Runs `listen`; a failure is rethrown as one line that starts with the flag that chose the port. */
export async function listenOrExplain<T>(
  flag: string,
  host: string,
  port: number,
  listen: () => Promise<T>,
): Promise<T> {
  try {
    return await listen()
  } catch (err) {
    throw new ListenError(explain(flag, host, port, err), (err as NodeJS.ErrnoException).code)
  }
}
