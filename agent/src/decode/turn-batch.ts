// Feeds the router from the UDP socket with one clock read per event-loop turn instead of one per
// datagram: the first datagram of a turn opens the batch, a setImmediate (the check phase, right
// after the poll phase that delivered the datagrams) closes it. Events of one turn are at most a
// few hundred microseconds apart, far below a window slot (window/12, ≥ 83 ms). In-process callers
// of DatagramRouter.handleDatagram keep one clock read per datagram.
import type { DatagramRouter } from './datagram-router.js'

export class TurnBatch {
  private readonly router: DatagramRouter
  private open: boolean
  private readonly close = (): void => {
    this.open = false
    this.router.endTurn()
  }

  constructor(router: DatagramRouter) {
    this.router = router
    this.open = false
  }

  handleDatagram(buf: Uint8Array, length: number): void {
    if (!this.open) {
      this.open = true
      this.router.beginTurn()
      setImmediate(this.close)
    }
    this.router.handleDatagram(buf, length)
  }
}
