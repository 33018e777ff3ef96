// What the ingest needs of a datagram socket, whichever reader is under it: Node's dgram
// (udp-listener.ts) or the native recvmmsg reader (native-datagram-listener.ts).

export interface BoundAddress {
  readonly address: string
  readonly port: number
}

export interface DatagramListener {
  /** Opens and binds; rejects with the system's error (`code` EADDRINUSE…) when it cannot. */
  bind(): Promise<BoundAddress>
  readonly isBound: boolean
  /** Datagrams the kernel dropped on this socket since we bound it (receive queue full). */
  kernelDrops(): number
  /** Reads what the kernel already queued for us, until it stays empty or the deadline passes. */
  drain(deadlineMs: number): Promise<void>
  /** SO_RCVBUF as the kernel reports it; 0 when not bound. */
  recvBufferBytes(): number
  /** Stops reading and closes the socket (call drain() first for a graceful stop). */
  close(): Promise<void>
}
