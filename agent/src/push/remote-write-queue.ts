// One remote-write endpoint's bounded queue of encoded requests, sent in order (a receiver rejects
// samples older than what it has, so nothing may overtake). A failed send is retried with doubling
// backoff; a 4xx other than 429 is the receiver refusing the data, which a retry cannot fix.
// Bounded in samples: a new snapshot that does not fit pushes out the oldest queued requests (the
// newest cumulative values matter most) and those samples are counted as dropped.
import type { EncodedRequest } from './time-series-encoder.js'

export type SendOutcome = 'sent' | 'retry' | 'rejected'
export type Send = (body: Uint8Array<ArrayBuffer>) => Promise<SendOutcome>

export interface QueueTimers {
  sleep(ms: number): Promise<void>
}

export class RemoteWriteStats {
  samplesSent = 0
  samplesFailed = 0
  samplesDropped = 0
  samplesPending = 0
  retries = 0
  lastSuccessMs = 0
}

export class RemoteWriteQueue {
  readonly stats = new RemoteWriteStats()
  private readonly capacitySamples: number
  private readonly send: Send
  private readonly timers: QueueTimers
  private readonly minBackoffMs: number
  private readonly maxBackoffMs: number
  private readonly now: () => number
  private readonly queue: EncodedRequest[] = []
  /** The head is being sent: overflow must not drop it. */
  private sending = false
  private pumping: Promise<void> | null = null
  private stopped = false

  constructor(
    capacitySamples: number,
    send: Send,
    options: { timers: QueueTimers; minBackoffMs?: number; maxBackoffMs?: number; now?: () => number },
  ) {
    this.capacitySamples = capacitySamples
    this.send = send
    this.timers = options.timers
    this.minBackoffMs = options.minBackoffMs ?? 250
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000
    this.now = options.now ?? Date.now
  }

  get length(): number {
    return this.queue.length
  }

  enqueue(requests: readonly EncodedRequest[]): void {
    for (const request of requests) {
      if (request.samples > this.capacitySamples) {
        this.stats.samplesDropped += request.samples
        continue
      }
      while (this.stats.samplesPending + request.samples > this.capacitySamples) {
        const victim = this.sending ? 1 : 0
        const dropped = this.queue.splice(victim, 1)[0]
        if (dropped === undefined) break
        this.stats.samplesPending -= dropped.samples
        this.stats.samplesDropped += dropped.samples
      }
      this.queue.push(request)
      this.stats.samplesPending += request.samples
    }
    if (this.pumping === null && !this.stopped) this.pumping = this.pump().finally(() => (this.pumping = null))
  }

  private async pump(): Promise<void> {
    let backoff = this.minBackoffMs
    while (this.queue.length > 0 && !this.stopped) {
      const head = this.queue[0] as EncodedRequest
      this.sending = true
      let outcome: SendOutcome
      try {
        outcome = await this.send(head.body)
      } catch {
        outcome = 'retry'
      }
      this.sending = false
      if (outcome === 'retry') {
        this.stats.retries++
        await this.timers.sleep(backoff)
        backoff = Math.min(this.maxBackoffMs, backoff * 2)
        continue
      }
      backoff = this.minBackoffMs
      this.queue.shift()
      this.stats.samplesPending -= head.samples
      if (outcome === 'sent') {
        this.stats.samplesSent += head.samples
        this.stats.lastSuccessMs = this.now()
      } else this.stats.samplesFailed += head.samples
    }
  }

  /** Waits until the queue is empty or `timeoutMs` passed; then stops retrying. */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = this.now() + timeoutMs
    while (this.pumping !== null && this.now() < deadline) await Promise.race([this.pumping, this.timers.sleep(50)])
    this.stopped = true
  }
}
