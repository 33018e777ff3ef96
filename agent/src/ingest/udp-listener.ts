// The UDP socket. It only receives and hands each datagram to the decode stage; a bad datagram
// can never throw out of here (the router never throws, and a socket error is logged, not fatal).
import dgram from 'node:dgram'
import type { Logger } from '../logger.js'
import type { BoundAddress, DatagramListener } from './datagram-listener.js'
import { type KernelSocketStats, findOwnSocketInode, readKernelSocketStats } from './kernel-socket-stats.js'

export interface DatagramHandler {
  handleDatagram(buf: Uint8Array, length: number): void
}

export interface UdpListenerOptions {
  host: string
  port: number
  /** SO_RCVBUF in bytes; 0 keeps the kernel default. */
  recvBufferBytes: number
}

export class UdpListener implements DatagramListener {
  private readonly socket: dgram.Socket
  private readonly options: UdpListenerOptions
  private readonly handler: DatagramHandler
  private readonly ipv6: boolean
  private bound: boolean
  private port: number
  private inode: string | null
  /** Drops already counted by the kernel when we bound (a reused port starts at its old count). */
  private dropsAtBind: number

  constructor(options: UdpListenerOptions, handler: DatagramHandler, logger: Logger) {
    this.handler = handler
    this.options = options
    this.ipv6 = options.host.includes(':')
    this.bound = false
    this.port = 0
    this.inode = null
    this.dropsAtBind = 0
    this.socket = dgram.createSocket({ type: this.ipv6 ? 'udp6' : 'udp4', reuseAddr: false })
    this.socket.on('message', (msg: Buffer) => this.handler.handleDatagram(msg, msg.length))
    // Before bind() resolves, an error is bind()'s to report (one line, from the caller), not a log.
    this.socket.on('error', (err: Error) => {
      if (this.bound) logger.warn({ err }, 'udp socket error')
    })
  }

  bind(): Promise<BoundAddress> {
    const options = this.options
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err)
      this.socket.once('error', onError)
      this.socket.bind(options.port, options.host, () => {
        this.socket.off('error', onError)
        if (options.recvBufferBytes > 0) this.socket.setRecvBufferSize(options.recvBufferBytes)
        this.bound = true
        const address = this.socket.address()
        this.port = address.port
        this.inode = findOwnSocketInode(this.port, this.ipv6)
        this.dropsAtBind = this.kernelStats()?.drops ?? 0
        resolve({ address: address.address, port: address.port })
      })
    })
  }

  get isBound(): boolean {
    return this.bound
  }

  kernelStats(): KernelSocketStats | null {
    return this.port === 0 ? null : readKernelSocketStats(this.port, this.inode, this.ipv6)
  }

  kernelDrops(): number {
    const stats = this.kernelStats()
    return stats === null ? 0 : Math.max(0, stats.drops - this.dropsAtBind)
  }

  /**
   * Keeps reading until the kernel's receive queue is empty (or the deadline passes), so that a
   * graceful stop loses nothing that was already queued for us.
   */
  async drain(deadlineMs: number): Promise<void> {
    const until = Date.now() + deadlineMs
    let emptyReads = 0
    while (this.bound && Date.now() < until && emptyReads < 2) {
      const stats = this.kernelStats()
      if (stats === null) return
      emptyReads = stats.rxQueueBytes === 0 ? emptyReads + 1 : 0
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }

  recvBufferBytes(): number {
    return this.bound ? this.socket.getRecvBufferSize() : 0
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.bound) return resolve()
      this.bound = false
      this.socket.close(() => resolve())
    })
  }
}
