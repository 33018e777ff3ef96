// Writes --state-file every --state-interval seconds and once more at shutdown, after the ingest
// drained. Each write encodes the served aggregator as it is (nothing in it is reset), after a
// --workers primary merged its shards; one write at a time, and a write that fails is logged and
// tried again at the next interval, never stopping the agent.
import type { Aggregator } from '../aggregate/aggregator.js'
import { DeltaWriter } from '../aggregate/delta-bytes.js'
import { writeStateFile } from './state-file.js'
import { type StateFlags, encodeState } from './state-format.js'
import type { StateLog } from './state-restores.js'

export interface StateWriterOptions {
  readonly path: string
  /** 0: only at shutdown. */
  readonly intervalSeconds: number
  readonly flags: StateFlags
}

export class StateWriter {
  private readonly options: StateWriterOptions
  private readonly aggregator: Aggregator
  private readonly refresh: (() => Promise<void>) | null
  private readonly log: StateLog
  private readonly bytes = new DeltaWriter(1024 * 1024)
  private timer: NodeJS.Timeout | null = null
  private pending: Promise<unknown> | null = null

  /** `refresh` brings the aggregator up to date first (a --workers merge round); null: always current. */
  constructor(
    options: StateWriterOptions,
    aggregator: Aggregator,
    refresh: (() => Promise<void>) | null,
    log: StateLog,
  ) {
    this.options = options
    this.aggregator = aggregator
    this.refresh = refresh
    this.log = log
  }

  start(): void {
    if (this.options.intervalSeconds === 0) return
    this.timer = setInterval(() => {
      // A write still under way (a slow disk) makes this tick skip rather than queue behind it.
      if (this.pending === null) this.pending = this.write(true).finally(() => (this.pending = null))
    }, this.options.intervalSeconds * 1000)
    this.timer.unref()
  }

  /** No more interval writes (the ingest is about to stop); waits for one under way. */
  async pause(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    if (this.pending !== null) await this.pending
  }

  /** The last write, after the ingest drained (its merge already happened: no refresh). */
  async stop(): Promise<void> {
    await this.pause()
    const seconds = await this.write(false)
    if (seconds !== null)
      this.log.info({ state_file: this.options.path, series: this.aggregator.seriesCount }, 'state written')
  }

  /** One write; resolves with how long it took, or null when it failed (logged). */
  private async write(refresh: boolean): Promise<number | null> {
    try {
      if (refresh && this.refresh !== null) await this.refresh()
      const started = performance.now()
      const bytes = encodeState(this.aggregator, this.options.flags, Date.now(), this.bytes)
      await writeStateFile(this.options.path, bytes)
      return (performance.now() - started) / 1000
    } catch (err) {
      this.log.warn(
        { state_file: this.options.path, reason: err instanceof Error ? err.message : String(err) },
        'state file not written: trying again at the next interval',
      )
      return null
    }
  }
}
