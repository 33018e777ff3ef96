// The clock the in-process monitor records with. The sliding window needs the time only to pick
// a sub-window (window/12 wide: 5 s by default), and a clock read costs as much as the rest of a
// timing() call (~50 ns on our CI machines, bench/monitor.bench.mjs), so the time is read by a
// ticker every sub-window/10 rather than per call, through the aggregator's batch clock (the
// agent reads it once per datagram the same way). The ticker starts with the first call after an
// idle spell, is unref()ed (it never keeps the app alive), and stops after a tick with no call,
// so an idle monitor has no timer and the next call starts from a fresh reading.
import type { Aggregator } from '../aggregate/aggregator.js'
import { SLOT_COUNT } from '../aggregate/sliding-window.js'

const TICKS_PER_SLOT = 10

export class WindowClock {
  private readonly aggregator: Aggregator
  readonly tickMs: number
  private ticker: ReturnType<typeof setInterval> | null
  private calledSinceTick: boolean
  private readonly onTick: () => void

  constructor(aggregator: Aggregator) {
    this.aggregator = aggregator
    this.tickMs = Math.max(1, Math.floor((aggregator.windowSeconds * 1000) / SLOT_COUNT / TICKS_PER_SLOT))
    this.ticker = null
    this.calledSinceTick = false
    this.onTick = () => {
      if (this.calledSinceTick) {
        this.calledSinceTick = false
        this.aggregator.beginBatch() // a fresh reading for the calls until the next tick
      } else {
        this.stop()
      }
    }
  }

  /** Call before recording: the aggregator's batch clock is then at most one tick old. */
  touch(): void {
    if (this.ticker === null) this.start()
    this.calledSinceTick = true
  }

  stop(): void {
    if (this.ticker === null) return
    clearInterval(this.ticker)
    this.ticker = null
    this.aggregator.endBatch()
  }

  private start(): void {
    this.aggregator.beginBatch()
    this.ticker = setInterval(this.onTick, this.tickMs)
    this.ticker.unref()
  }
}
