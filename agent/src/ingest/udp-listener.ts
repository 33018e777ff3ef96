// The UDP socket. It only receives and hands each datagram to the decode stage; a bad datagram
// can never throw out of here (the router never throws, and a socket error is logged, not fatal).
import dgram from 'node:dgram'

export interface DatagramHandler {
  handleDatagram(buf: Uint8Array, length: number): void
}

export interface UdpListenerOptions {
  host: string
  port: number
  /** SO_RCVBUF in bytes; 0 keeps the kernel default. */
  recvBufferBytes: number
}

export interface SocketLogger {
  warn(obj: object, msg: string): void
}

export class UdpListener {
  private readonly socket: dgram.Socket
  private readonly handler: DatagramHandler
  private bound: boolean

  constructor(options: UdpListenerOptions, handler: DatagramHandler, logger: SocketLogger) {
    this.handler = handler
    this.bound = false
    this.socket = dgram.createSocket({ type: options.host.includes(':') ? 'udp6' : 'udp4', reuseAddr: false })
    this.socket.on('message', (msg: Buffer) => this.handler.handleDatagram(msg, msg.length))
    this.socket.on('error', (err: Error) => logger.warn({ err }, 'udp socket error'))
  }

  bind(options: UdpListenerOptions): Promise<{ address: string; port: number }> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err)
      this.socket.once('error', onError)
      this.socket.bind(options.port, options.host, () => {
        this.socket.off('error', onError)
        if (options.recvBufferBytes > 0) this.socket.setRecvBufferSize(options.recvBufferBytes)
        this.bound = true
        const address = this.socket.address()
        resolve({ address: address.address, port: address.port })
      })
    })
  }

  get isBound(): boolean {
    return this.bound
  }

  recvBufferBytes(): number {
    return this.bound ? this.socket.getRecvBufferSize() : 0
  }

  /**
   * Stops reading. Datagrams already queued in the socket are delivered before 'close' (Node
   * drains its receive callbacks), so a graceful stop loses only what the kernel had not queued.
   */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.bound) return resolve()
      this.bound = false
      this.socket.close(() => resolve())
    })
  }
}
