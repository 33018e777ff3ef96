// A UDP relay between a client and the agent, for loss tests: it receives on its own port and
// forwards each datagram, through one socket, to the agent, as `decide` says: drop it, pass it, or
// hold it to pass later (reordered). One outgoing socket, so that with --workers the agent's
// SO_REUSEPORT group hands all of it to one shard, as it would a real sender's.
import { type Socket, createSocket } from 'node:dgram'

/** What to do with the datagram at `index` (0 for the first one received); 'twice': pass and hold. */
export type RelayDecision = 'drop' | 'pass' | 'hold' | 'twice'

export class UdpRelay {
  received = 0
  forwarded = 0
  /** Sends the socket has completed: close() waits for all of them. */
  private sent = 0
  private readonly held: Buffer[] = []
  private constructor(
    private readonly inbound: Socket,
    private readonly outbound: Socket,
    readonly port: number,
    private readonly agentPort: number,
    private readonly decide: (index: number) => RelayDecision,
    private readonly holdCount: number,
  ) {}

  /**
   * `decide` per datagram; once `holdCount` datagrams are held, they go out in reverse order (a
   * reorder of that many), and so does what is held at flush().
   */
  static async start(agentPort: number, decide: (index: number) => RelayDecision, holdCount = 1): Promise<UdpRelay> {
    const inbound = createSocket('udp4')
    const outbound = createSocket('udp4')
    await new Promise<void>((resolve) => inbound.bind(0, '127.0.0.1', () => resolve()))
    await new Promise<void>((resolve) => outbound.bind(0, '127.0.0.1', () => resolve()))
    inbound.setRecvBufferSize(8 * 1024 * 1024)
    const relay = new UdpRelay(inbound, outbound, inbound.address().port, agentPort, decide, holdCount)
    inbound.on('message', (datagram) => relay.onDatagram(datagram))
    return relay
  }

  private onDatagram(datagram: Buffer): void {
    const decision = this.decide(this.received++)
    if (decision === 'pass' || decision === 'twice') this.send(datagram)
    if (decision === 'hold' || decision === 'twice') {
      this.held.push(datagram)
      if (this.held.length >= this.holdCount) this.flush()
    }
  }

  private send(datagram: Buffer): void {
    this.forwarded++
    this.outbound.send(datagram, this.agentPort, '127.0.0.1', () => this.sent++)
  }

  /** Sends what is held, last first. */
  flush(): void {
    while (this.held.length > 0) this.send(this.held.pop() as Buffer)
  }

  async close(): Promise<void> {
    // A socket closed with sends still queued drops them.
    while (this.sent < this.forwarded) await new Promise((resolve) => setTimeout(resolve, 5))
    await Promise.all([
      new Promise<void>((resolve) => this.inbound.close(() => resolve())),
      new Promise<void>((resolve) => this.outbound.close(() => resolve())),
    ])
  }
}
