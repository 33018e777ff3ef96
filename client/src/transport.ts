// Where finished datagrams go: a UDP socket (udp-transport.ts) or memory (mock-transport.ts).

export interface TransportListener {
  /** The socket accepted a datagram holding `events` events and `reports` in-flight reports. */
  onSent(events: number, reports: number): void
  /** A datagram was lost before or at the socket. */
  onSendFailed(events: number, reports: number, cause: unknown): void
  /** An error not tied to one datagram (e.g. ICMP port unreachable read back from the socket). */
  onSocketError(cause: unknown): void
}

export interface Transport {
  /**
   * Takes a datagram, a view into the caller's buffer. Returns true when the transport is done
   * with that buffer (sent at once, or copied), false when it still holds it: the caller must then
   * write the next datagram elsewhere.
   */
  send(datagram: Buffer, events: number, reports: number): boolean
  /** Events handed over and not yet confirmed or failed. */
  pendingEvents(): number
  /** Resolves once everything handed over so far is confirmed or failed. */
  idle(): Promise<void>
  /** Sends what it holds, then releases the socket. Later sends fail as `closed`. */
  close(): Promise<void>
}
