// The last `windowSeconds` of one task, as SLOT_COUNT sub-windows so that it slides in steps of
// window/12 (5 s for the default 60 s) instead of jumping. Closed slots are packed
// (compact-counts.ts). The slot being written has no histogram of its own: it is the task's
// cumulative histogram minus a packed snapshot of it taken when the slot opened (`base`), so a
// request is recorded once, not twice (bench/hdr.bench.mjs: Aggregator.recordRequest
// 33.3 -> 21.5 ns; bench/scrape.bench.mjs: 20.3 -> 16.2 KB per busy task). Slots are found by
// epoch number, so nothing needs a timer: stale slots are recognised and recycled when touched.
import { type BucketLayout, MAX_TRACKABLE_US } from './bucket-layout.js'
import { mergePackedCounts, packCounts, packCountsSince } from './compact-counts.js'
import { type DeltaSink, type DeltaSource, copyBytes } from './delta-bytes.js'
import { LatencyHistogram } from './latency-histogram.js'
import type { WindowMerger } from './window-merger.js'

export const SLOT_COUNT = 12

export interface WindowTotals {
  requests: number
  errors: number
  sumMs: number
  /** Milliseconds of time the live slots cover (≤ the window). */
  coveredMs: number
}

export class SlidingWindow {
  private readonly slotMs: number
  private readonly epochs: Float64Array
  private readonly requests: Float64Array
  private readonly errors: Float64Array
  private readonly sumMs: Float64Array
  private readonly packed: Array<Uint8Array | null>
  /** Every request of the task goes here too (its cumulative histogram; the window's own in tests). */
  private readonly cumulative: LatencyHistogram
  private readonly ownsCumulative: boolean
  /** `cumulative` packed when the live slot opened (null: it was empty); live slot = cumulative − base. */
  private base: Uint8Array | null
  private currentEpoch: number
  // The slot being written and when the next one starts: one comparison per event instead of a
  // division and a modulo (suggested by the monitor benchmark, 42-44 ns per recordRequest).
  private currentSlot: number
  private nextEpochStartMs: number

  /**
   * `cumulative` is the task's histogram, which the caller records each request into right after
   * recordAt(); without one the window keeps its own and records into it (tests, standalone use).
   */
  constructor(layout: BucketLayout, windowSeconds: number, cumulative: LatencyHistogram | null = null) {
    this.slotMs = (windowSeconds * 1000) / SLOT_COUNT
    this.epochs = new Float64Array(SLOT_COUNT).fill(-Infinity)
    this.requests = new Float64Array(SLOT_COUNT)
    this.errors = new Float64Array(SLOT_COUNT)
    this.sumMs = new Float64Array(SLOT_COUNT)
    this.packed = new Array<Uint8Array | null>(SLOT_COUNT).fill(null)
    this.ownsCumulative = cumulative === null
    this.cumulative = cumulative ?? new LatencyHistogram(layout)
    this.base = null
    this.currentEpoch = -Infinity
    this.currentSlot = 0
    this.nextEpochStartMs = -Infinity
  }

  record(nowMs: number, valueUs: number, durationMs: number, weight: number, failed: boolean): void {
    const layout = this.cumulative.layout
    const v = valueUs > MAX_TRACKABLE_US ? MAX_TRACKABLE_US : valueUs < 0 ? 0 : valueUs
    const octave = layout.octaveOf(v)
    this.recordAt(nowMs, octave, layout.slotOf(v, octave), v, durationMs, weight, failed)
  }

  /**
   * record() for a value already located in the layout (see LatencyHistogram.addAt). Call it
   * before adding the request to the shared cumulative histogram: a slot that closes here is
   * packed from the histogram as it was before this request.
   */
  recordAt(
    nowMs: number,
    octave: number,
    bucketSlot: number,
    v: number,
    durationMs: number,
    weight: number,
    failed: boolean,
  ): void {
    if (nowMs >= this.nextEpochStartMs) this.advanceTo(Math.floor(nowMs / this.slotMs))
    const slot = this.currentSlot
    this.requests[slot] = (this.requests[slot] ?? 0) + weight
    this.sumMs[slot] = (this.sumMs[slot] ?? 0) + durationMs * weight
    if (failed) this.errors[slot] = (this.errors[slot] ?? 0) + weight
    if (this.ownsCumulative) this.cumulative.addAt(octave, bucketSlot, v, weight)
  }

  private advanceTo(epoch: number): void {
    if (this.currentEpoch !== -Infinity) {
      const closed = this.currentEpoch % SLOT_COUNT
      const stillLive = epoch - this.currentEpoch < SLOT_COUNT
      this.packed[closed] =
        stillLive && (this.requests[closed] ?? 0) > 0 ? packCountsSince(this.cumulative, this.base) : null
    }
    // The new live slot starts from the cumulative histogram as it is now (~5 µs for a busy task,
    // once per slot: every 5 s at the default window, and only for tasks that get requests).
    this.base = this.cumulative.totalCount > 0 ? packCounts(this.cumulative) : null
    const slot = epoch % SLOT_COUNT
    this.epochs[slot] = epoch
    this.requests[slot] = 0
    this.errors[slot] = 0
    this.sumMs[slot] = 0
    this.packed[slot] = null
    this.currentEpoch = epoch
    this.currentSlot = slot
    this.nextEpochStartMs = (epoch + 1) * this.slotMs
  }

  private isLive(slot: number, epochNow: number): boolean {
    const epoch = this.epochs[slot] ?? 0
    return epoch > epochNow - SLOT_COUNT && epoch <= epochNow
  }

  totals(nowMs: number, out: WindowTotals): void {
    const epochNow = Math.floor(nowMs / this.slotMs)
    out.requests = 0
    out.errors = 0
    out.sumMs = 0
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      if (!this.isLive(slot, epochNow)) continue
      out.requests += this.requests[slot] ?? 0
      out.errors += this.errors[slot] ?? 0
      out.sumMs += this.sumMs[slot] ?? 0
    }
    // Full slots behind the current one, plus the part of the current slot that has elapsed.
    out.coveredMs = (SLOT_COUNT - 1) * this.slotMs + (nowMs - epochNow * this.slotMs)
  }

  /** True when the slot being written is inside the window at nowMs (its data is read from the cumulative histogram). */
  hasLiveSlot(nowMs: number): boolean {
    return this.currentEpoch > Math.floor(nowMs / this.slotMs) - SLOT_COUNT
  }

  /**
   * Sums the live slots' buckets into the merger (the caller drains it). `cumulativeAdded`: the
   * cumulative histogram was already added to the merger's scratch (only when hasLiveSlot()).
   */
  mergeInto(nowMs: number, merger: WindowMerger, cumulativeAdded = false): void {
    const epochNow = Math.floor(nowMs / this.slotMs)
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      const epoch = this.epochs[slot]
      if (!this.isLive(slot, epochNow)) {
        // Expired data is freed here too, so a task that went quiet holds no packed slots.
        this.packed[slot] = null
        continue
      }
      if (epoch === this.currentEpoch) merger.addLiveSlot(this.cumulative, this.base, cumulativeAdded)
      else {
        const packed = this.packed[slot]
        if (packed !== null && packed !== undefined) merger.addPacked(packed)
      }
    }
    // The live slot itself left the window: its snapshot is no longer needed.
    if (this.currentEpoch <= epochNow - SLOT_COUNT) this.base = null
  }

  /**
   * Worker side of --workers: writes every live slot that holds data (epoch, requests, errors,
   * sumMs, packed buckets), then empties the slots; the epochs stay, so later events of the
   * current slot keep landing in it. Slots already outside the window are dropped. The owner
   * empties the cumulative histogram next (TaskStats.takeDelta): nothing is left to subtract.
   */
  takeDelta(sink: DeltaSink, nowMs: number): void {
    const epochNow = Math.floor(nowMs / this.slotMs)
    let sent = 0
    for (let slot = 0; slot < SLOT_COUNT; slot++) if (this.holdsNews(slot, epochNow)) sent++
    sink.u32(sent)
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      if (this.holdsNews(slot, epochNow)) {
        const epoch = this.epochs[slot] ?? 0
        sink.f64(epoch)
        sink.f64(this.requests[slot] ?? 0)
        sink.f64(this.errors[slot] ?? 0)
        sink.f64(this.sumMs[slot] ?? 0)
        const closed = this.packed[slot] as Uint8Array
        sink.bytes(epoch === this.currentEpoch ? packCountsSince(this.cumulative, this.base) : closed)
      }
      this.requests[slot] = 0
      this.errors[slot] = 0
      this.sumMs[slot] = 0
      this.packed[slot] = null
    }
    this.base = null
  }

  /** A live slot with requests and their buckets (the live one's are the cumulative's gain). */
  private holdsNews(slot: number, epochNow: number): boolean {
    if (!this.isLive(slot, epochNow) || (this.requests[slot] ?? 0) === 0) return false
    return this.epochs[slot] === this.currentEpoch || (this.packed[slot] ?? null) !== null
  }

  /** Merging side: adds a delta from takeDelta() (a shard's slots); null reads past it. */
  static applyDelta(source: DeltaSource, into: SlidingWindow | null): void {
    const slots = source.u32()
    for (let i = 0; i < slots; i++) {
      const epoch = source.f64()
      const requests = source.f64()
      const errors = source.f64()
      const sumMs = source.f64()
      const packed = source.bytesView()
      into?.mergeSlot(epoch, requests, errors, sumMs, copyBytes(packed))
    }
  }

  /**
   * Adds one shard's data for `epoch`. A slot holding an older epoch is recycled first; data
   * older than the slot's epoch is outside the window and ignored. Two live epochs never share a
   * slot, so per-epoch sums are exact whatever order the shards' data comes in.
   */
  private mergeSlot(epoch: number, requests: number, errors: number, sumMs: number, packed: Uint8Array): void {
    const slot = epoch % SLOT_COUNT
    const stored = this.epochs[slot] ?? 0
    if (stored > epoch) return
    if (stored < epoch) {
      this.epochs[slot] = epoch
      this.requests[slot] = 0
      this.errors[slot] = 0
      this.sumMs[slot] = 0
      this.packed[slot] = null
    }
    this.requests[slot] = (this.requests[slot] ?? 0) + requests
    this.errors[slot] = (this.errors[slot] ?? 0) + errors
    this.sumMs[slot] = (this.sumMs[slot] ?? 0) + sumMs
    const held = this.packed[slot]
    this.packed[slot] = held === null || held === undefined ? packed : mergePackedCounts(held, packed)
  }

  /** Bytes the window holds (the cumulative histogram is counted by its owner, the task). */
  footprintBytes(): number {
    let bytes = 4 * SLOT_COUNT * 8 + (this.base?.byteLength ?? 0) + 16
    for (let slot = 0; slot < SLOT_COUNT; slot++) bytes += (this.packed[slot]?.byteLength ?? 0) + 16
    return bytes
  }
}
