// A raw unix datagram (SOCK_DGRAM) sender for end-to-end tests, over unix-dgram, the native module
// hot-shots uses for its uds protocol. A unix datagram socket does not drop: a full receive queue
// makes the sender see EAGAIN (unix-dgram calls it "congestion"), so send() waits and retries,
// bounded in tries and time, and a test can count on every datagram it sent being queued.
import { createRequire } from 'node:module'

/** The part of unix-dgram's socket these tests use (the package ships no types). */
interface UnixDgramSocket {
  on(event: 'error', listener: (err: Error) => void): void
  on(event: 'writable', listener: () => void): void
  once(event: 'writable', listener: () => void): void
  removeListener(event: 'writable', listener: () => void): void
  bind(path: string): void
  connect(path: string): void
  send(buf: Buffer, callback: (err?: Error & { code?: string | number }) => void): void
  close(): void
}

interface UnixDgramModule {
  createSocket(type: 'unix_dgram'): UnixDgramSocket
}

const unixDgram = createRequire(import.meta.url)('unix-dgram') as UnixDgramModule

/** How long one datagram may wait for room in the receiver's queue, and how many tries it gets. */
const RETRY_DEADLINE_MS = 5_000
const MAX_TRIES = 10_000

function isCongestion(err: Error & { code?: string | number }): boolean {
  return err.code === 1 || err.message === 'congestion' || err.code === 'EAGAIN'
}

export class UnixSender {
  private readonly socket = unixDgram.createSocket('unix_dgram')
  private readonly errors: Error[] = []
  datagramsSent = 0
  /** Sends that found the receiver's queue full and were retried. */
  retries = 0

  constructor(path: string) {
    this.socket.on('error', (err) => this.errors.push(err))
    this.socket.connect(path)
    if (this.errors.length > 0) throw this.errors[0]
  }

  private sendOnce(datagram: Buffer): Promise<Error | null> {
    return new Promise((resolve) => this.socket.send(datagram, (err) => resolve(err ?? null)))
  }

  private waitWritable(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.socket.removeListener('writable', done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.socket.once('writable', done)
    })
  }

  async send(datagram: Uint8Array): Promise<void> {
    const buf = Buffer.from(datagram.buffer, datagram.byteOffset, datagram.byteLength)
    const deadline = Date.now() + RETRY_DEADLINE_MS
    for (let tries = 1; ; tries++) {
      const err = await this.sendOnce(buf)
      if (err === null) {
        this.datagramsSent++
        return
      }
      if (!isCongestion(err) || tries >= MAX_TRIES || Date.now() > deadline)
        throw new Error(`unix datagram send failed after ${tries} tries: ${err.message}`)
      this.retries++
      await this.waitWritable(5)
    }
  }

  close(): void {
    this.socket.close()
  }
}

/**
 * Binds a unix datagram socket at `path` and closes it without unlinking: the socket file a
 * crashed process leaves behind, which nobody listens on any more.
 */
export function leaveStaleSocket(path: string): void {
  const socket = unixDgram.createSocket('unix_dgram')
  const errors: Error[] = []
  socket.on('error', (err) => errors.push(err))
  socket.bind(path)
  socket.close()
  if (errors.length > 0) throw errors[0]
}
