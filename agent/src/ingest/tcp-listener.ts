// Optional StatsD-over-TCP listener (--tcp-port): newline-framed text, as the TCP
// transports of hot-shots and the Datadog clients send it. Every resource a client can hold is
// bounded: connections (past the limit a new one is closed at once and counted), the line buffer
// of each (line-framer.ts), and idle time (a silent connection is closed and counted). Nothing a
// client sends can throw out of here; socket errors end only that connection.
import net from 'node:net'
import type { Logger } from '../logger.js'
import { type SelfMetric, fieldOf } from '../self-metrics/self-metric.js'
import { LineFramer, type TextHandler } from './line-framer.js'

export interface TcpListenerOptions {
  host: string
  port: number
  maxConnections: number
  maxLineBytes: number
  idleTimeoutMs: number
}

/**
 * A sidecar serves one app: 64 connections is room for a pool per worker. 64 KiB is a full UDP
 * datagram's worth of text on one line. Ten idle minutes outlast any client's flush interval.
 */
export const TCP_LISTENER_DEFAULTS = {
  maxConnections: 64,
  maxLineBytes: 64 * 1024,
  idleTimeoutMs: 10 * 60_000,
} as const

type TcpCount = 'connectionsOpen' | 'connectionsAccepted' | 'connectionsRejected' | 'idleTimeouts' | 'bytesReceived'

/** Each taskmeter_tcp_* family: one series without labels, read from one field of TcpStats. */
const TCP_FAMILIES: ReadonlyArray<readonly [name: string, help: string, type: SelfMetric['type'], field: TcpCount]> = [
  ['taskmeter_tcp_connections', 'StatsD TCP connections open now', 'gauge', 'connectionsOpen'],
  ['taskmeter_tcp_connections_accepted_total', 'StatsD TCP connections accepted', 'counter', 'connectionsAccepted'],
  [
    'taskmeter_tcp_connections_rejected_total',
    'StatsD TCP connections closed at once: the connection limit was reached',
    'counter',
    'connectionsRejected',
  ],
  [
    'taskmeter_tcp_idle_timeouts_total',
    'StatsD TCP connections closed after the idle timeout',
    'counter',
    'idleTimeouts',
  ],
  ['taskmeter_tcp_received_bytes_total', 'StatsD TCP payload bytes received', 'counter', 'bytesReceived'],
]

/** The listener's counters and its taskmeter_tcp_* families (also zeros without --tcp-port). */
export class TcpStats implements Record<TcpCount, number> {
  connectionsOpen = 0
  connectionsAccepted = 0
  connectionsRejected = 0
  idleTimeouts = 0
  bytesReceived = 0
  readonly selfMetrics: readonly SelfMetric[] = TCP_FAMILIES.map(([name, help, type, field]) => ({
    name,
    help,
    type,
    ...fieldOf(this, field),
  }))
}

export class TcpListener {
  readonly stats = new TcpStats()
  private readonly options: TcpListenerOptions
  private readonly handler: TextHandler
  private readonly server: net.Server
  private readonly sockets = new Set<net.Socket>()
  private listening: boolean

  constructor(options: TcpListenerOptions, handler: TextHandler, logger: Logger) {
    this.options = options
    this.handler = handler
    this.listening = false
    this.server = net.createServer((socket) => this.accept(socket))
    // Before listen() resolves, an error is listen()'s to report (one line, from the caller), not a log.
    this.server.on('error', (err: Error) => {
      if (this.listening) logger.warn({ err }, 'tcp listener error')
    })
  }

  private accept(socket: net.Socket): void {
    const stats = this.stats
    socket.on('error', () => {}) // ECONNRESET and the like: 'close' follows and cleans up
    if (this.sockets.size >= this.options.maxConnections) {
      stats.connectionsRejected++
      socket.destroy()
      return
    }
    stats.connectionsAccepted++
    this.sockets.add(socket)
    stats.connectionsOpen = this.sockets.size
    const framer = new LineFramer(this.handler, this.options.maxLineBytes)
    socket.setTimeout(this.options.idleTimeoutMs)
    socket.on('data', (chunk: Buffer) => {
      stats.bytesReceived += chunk.length
      framer.push(chunk)
    })
    socket.on('end', () => {
      framer.end()
      socket.end()
    })
    socket.on('timeout', () => {
      stats.idleTimeouts++
      framer.end()
      socket.destroy()
    })
    socket.on('close', () => {
      this.sockets.delete(socket)
      stats.connectionsOpen = this.sockets.size
    })
  }

  listen(): Promise<{ address: string; port: number }> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err)
      this.server.once('error', onError)
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', onError)
        this.listening = true
        const address = this.server.address() as net.AddressInfo
        resolve({ address: address.address, port: address.port })
      })
    })
  }

  get isListening(): boolean {
    return this.listening
  }

  /** Stops accepting and closes every connection (lines already received were applied). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.listening) return resolve()
      this.listening = false
      this.server.close(() => resolve())
      for (const socket of this.sockets) socket.destroy()
    })
  }
}
