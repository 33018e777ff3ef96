// A connected UDP socket: DNS is resolved once, at connect, not per send (a lookup per send would
// cost every datagram a resolver call), and each datagram is one socket.send. The socket is
// unref()ed so it never keeps the process alive.
import { type Socket, createSocket } from 'node:dgram'
import { isIPv6 } from 'node:net'
import type { Transport, TransportListener } from './transport.js'

// Before the connect lookup completes, Node rejects send() without a port (measured on Node 20:
// ERR_SOCKET_BAD_PORT), so datagrams wait here; the bound keeps a dead resolver from growing memory.
const MAX_QUEUED_DATAGRAMS = 256
// After a failed connect (DNS down at startup, say) datagrams are dropped for this long, then
// the next one tries again.
const RECONNECT_DELAY_MS = 1000
// close() waits this long for sends still in the kernel's hands before closing anyway.
const CLOSE_WAIT_MS = 2000

type ConnectState = 'connecting' | 'ready' | 'failed' | 'closed'

export class UdpTransport implements Transport {
  private readonly host: string
  private readonly port: number
  private readonly listener: TransportListener
  private readonly now: () => number
  private socket: Socket | null
  private state: ConnectState
  private failedAtMs: number
  private readonly queued: Buffer[]
  private readonly queuedEvents: number[]
  private readonly queuedReports: number[]
  private queuedEventTotal: number
  // Sends handed to the socket and not yet confirmed, oldest first (a FIFO from `unconfirmedHead`).
  // Node confirms sends in the order they were made: a send done at once has its callback on
  // nextTick, and libuv refuses try_send while its queue is non-empty, so no send overtakes a
  // queued one. One shared callback pops these: no closure per datagram.
  private readonly unconfirmedEvents: number[]
  private readonly unconfirmedReports: number[]
  private unconfirmedHead: number
  private eventsInFlight: number
  private idleWaiters: Array<() => void>
  private readonly afterSend: (error: Error | null) => void

  constructor(host: string, port: number, listener: TransportListener, now: () => number) {
    this.host = host
    this.port = port
    this.listener = listener
    this.now = now
    this.socket = null
    this.state = 'connecting'
    this.failedAtMs = 0
    this.queued = []
    this.queuedEvents = []
    this.queuedReports = []
    this.queuedEventTotal = 0
    this.unconfirmedEvents = []
    this.unconfirmedReports = []
    this.unconfirmedHead = 0
    this.eventsInFlight = 0
    this.idleWaiters = []
    this.afterSend = (error) => this.confirmSend(error)
    this.connect()
  }

  send(datagram: Buffer, events: number, reports: number): boolean {
    if (this.state === 'ready') return this.transmit(datagram, events, reports)
    if (this.state === 'failed' && this.now() - this.failedAtMs >= RECONNECT_DELAY_MS) this.connect()
    if (this.state === 'connecting' && this.queued.length < MAX_QUEUED_DATAGRAMS) {
      this.queued.push(Buffer.from(datagram))
      this.queuedEvents.push(events)
      this.queuedReports.push(reports)
      this.queuedEventTotal += events
      return true
    }
    const why =
      this.state === 'connecting'
        ? 'queue full while connecting'
        : this.state === 'closed'
          ? 'transport closed'
          : 'not connected'
    this.listener.onSendFailed(events, reports, new Error(`${why} to ${this.host}:${this.port}`))
    return true
  }

  pendingEvents(): number {
    return this.queuedEventTotal + this.eventsInFlight
  }

  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve()
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve)
    })
  }

  async close(): Promise<void> {
    if (!this.isIdle()) {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        this.idle(),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, CLOSE_WAIT_MS)
          timer.unref()
        }),
      ])
      clearTimeout(timer)
    }
    this.state = 'closed'
    this.dropQueued(new Error('transport closed'))
    const socket = this.socket
    this.socket = null
    this.wakeIdleWaiters()
    if (socket === null) return
    await new Promise<void>((resolve) => {
      try {
        socket.close(() => resolve())
      } catch {
        resolve() // already closed by a failed connect
      }
    })
  }

  private isIdle(): boolean {
    return (
      this.state !== 'connecting' && this.unconfirmedHead === this.unconfirmedEvents.length && this.queued.length === 0
    )
  }

  private wakeIdleWaiters(): void {
    if (this.idleWaiters.length === 0 || !(this.isIdle() || this.state === 'closed')) return
    const waiters = this.idleWaiters
    this.idleWaiters = []
    for (let i = 0; i < waiters.length; i++) (waiters[i] as () => void)()
  }

  private connect(): void {
    const old = this.socket
    if (old !== null) {
      try {
        old.close()
      } catch {
        // a socket whose connect failed may already be closed
      }
    }
    const socket = createSocket(isIPv6(this.host) ? 'udp6' : 'udp4')
    this.socket = socket
    this.state = 'connecting'
    // Without an 'error' listener Node would throw the ICMP errors it reads back (agent down).
    socket.on('error', (error) => {
      if (this.socket === socket && this.state !== 'closed') this.listener.onSocketError(error)
    })
    socket.unref()
    try {
      socket.connect(this.port, this.host, (error?: Error) => this.afterConnect(socket, error))
    } catch (error) {
      this.afterConnect(socket, error)
    }
  }

  private afterConnect(socket: Socket, error: unknown): void {
    if (this.socket !== socket || this.state === 'closed') return
    if (error !== undefined && error !== null) {
      this.state = 'failed'
      this.failedAtMs = this.now()
      this.dropQueued(error)
      this.wakeIdleWaiters()
      return
    }
    this.state = 'ready'
    const queued = this.queued.splice(0)
    const events = this.queuedEvents.splice(0)
    const reports = this.queuedReports.splice(0)
    this.queuedEventTotal = 0
    queued.forEach((datagram, i) => {
      this.transmit(datagram, events[i] ?? 0, reports[i] ?? 0)
    })
    this.wakeIdleWaiters()
  }

  private dropQueued(cause: unknown): void {
    const events = this.queuedEvents.splice(0)
    const reports = this.queuedReports.splice(0)
    this.queued.length = 0
    this.queuedEventTotal = 0
    for (let i = 0; i < events.length; i++) this.listener.onSendFailed(events[i] ?? 0, reports[i] ?? 0, cause)
  }

  // Sends without copying: libuv tries the send at once (uv_udp_try_send), and then the kernel has
  // copied the bytes before socket.send returns. Only when the socket buffer is full does libuv
  // queue the request and keep our buffer; getSendQueueCount() then says so, and the caller moves
  // on to a fresh buffer. Copying every datagram (an 8 KB allocation each) plus a closure per send
  // made timing() cost 115 ns/call instead of 85 with 8192-byte datagrams (perf commit c213bed).
  private transmit(datagram: Buffer, events: number, reports: number): boolean {
    const socket = this.socket
    if (socket === null) return true
    this.unconfirmedEvents.push(events)
    this.unconfirmedReports.push(reports)
    this.eventsInFlight += events
    try {
      socket.send(datagram, this.afterSend)
    } catch (error) {
      // Node threw before taking the datagram, so no callback comes for it.
      this.unconfirmedEvents.pop()
      this.unconfirmedReports.pop()
      this.eventsInFlight -= events
      this.listener.onSendFailed(events, reports, error)
      return true
    }
    return socket.getSendQueueCount() === 0
  }

  private confirmSend(error: Error | null): void {
    const head = this.unconfirmedHead
    const events = this.unconfirmedEvents[head] ?? 0
    const reports = this.unconfirmedReports[head] ?? 0
    if (head + 1 === this.unconfirmedEvents.length) {
      this.unconfirmedEvents.length = 0
      this.unconfirmedReports.length = 0
      this.unconfirmedHead = 0
    } else {
      this.unconfirmedHead = head + 1
    }
    this.eventsInFlight -= events
    if (error === undefined || error === null) this.listener.onSent(events, reports)
    else this.listener.onSendFailed(events, reports, error)
    this.wakeIdleWaiters()
  }
}
