// The last `windowSeconds` of one task, as SLOT_COUNT sub-windows so that it slides in steps of
// window/12 (5 s for the default 60 s) instead of jumping. Closed slots are packed
// (compact-counts.ts), all in one byte array (slot-bytes.ts), and the per-slot figures share one
// Float64Array with their spans: a busy task's window is two typed arrays. The slot being written has no histogram of its own: it is the task's
// cumulative histogram minus a packed snapshot of it taken when the slot opened (`base`), so a
// request is recorded once, not twice (bench/hdr.bench.mjs: Aggregator.recordRequest
// 33.3 -> 21.5 ns; bench/scrape.bench.mjs: 20.3 -> 16.2 KB per busy task). Slots are found by
// epoch number, so nothing needs a timer: stale slots are recognised and recycled when touched.
import { type BucketLayout, MAX_TRACKABLE_US } from './bucket-layout.js'
import { mergePackedCounts, packCountsSince, packCountsView } from './compact-counts.js'
import type { DeltaSink, DeltaSource } from './delta-bytes.js'
import { LatencyHistogram } from './latency-histogram.js'
import { SlotBytes } from './slot-bytes.js'
import type { WindowMerger } from './window-merger.js'

export const SLOT_COUNT = 12

// A slot's row in the table: its epoch, requests, errors and sumMs.
const FIELDS = 4
const EPOCH = 0
const REQUESTS = 1
const ERRORS = 2
const SUM_MS = 3
/** The segment holding the live slot's base (segments 0..SLOT_COUNT−1 are the slots'). */
const BASE = SLOT_COUNT

export interface WindowTotals {
  requests: number
  errors: number
  sumMs: number
  /** Milliseconds of time the live slots cover (≤ the window). */
  coveredMs: number
}

export class SlidingWindow {
  private readonly slotMs: number
  /** Row per slot (FIELDS), then the spans of `packed`'s segments. */
  private readonly table: Float64Array
  /** Closed slots' buckets, and the live slot's base: `cumulative` packed when the slot opened
   * (empty: it was empty then); live slot = cumulative − base. */
  private readonly packed: SlotBytes
  /** Every request of the task goes here too (its cumulative histogram; the window's own in tests). */
  private readonly cumulative: LatencyHistogram
  private readonly ownsCumulative: boolean
  private currentEpoch: number
  // The slot being written and when the next one starts: one comparison per event instead of a
  // division and a modulo (suggested by the monitor benchmark, 42-44 ns per recordRequest).
  /** The live slot's row in `table` (slot × FIELDS). */
  private currentRow: number
  private nextEpochStartMs: number

  /**
   * `cumulative` is the task's histogram, which the caller records each request into right after
   * recordAt(); without one the window keeps its own and records into it (tests, standalone use).
   */
  constructor(layout: BucketLayout, windowSeconds: number, cumulative: LatencyHistogram | null = null) {
    this.slotMs = (windowSeconds * 1000) / SLOT_COUNT
    this.table = new Float64Array(SLOT_COUNT * FIELDS + SlotBytes.spanLength(SLOT_COUNT + 1))
    for (let slot = 0; slot < SLOT_COUNT; slot++) this.table[slot * FIELDS + EPOCH] = -Infinity
    this.packed = new SlotBytes(this.table, SLOT_COUNT * FIELDS, SLOT_COUNT + 1)
    this.ownsCumulative = cumulative === null
    this.cumulative = cumulative ?? new LatencyHistogram(layout)
    this.currentEpoch = -Infinity
    this.currentRow = 0
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
    const table = this.table
    const row = this.currentRow
    // The row is in the table by construction: `as number`, as `?? 0` costs a branch per field.
    table[row + REQUESTS] = (table[row + REQUESTS] as number) + weight
    table[row + SUM_MS] = (table[row + SUM_MS] as number) + durationMs * weight
    if (failed) table[row + ERRORS] = (table[row + ERRORS] as number) + weight
    if (this.ownsCumulative) this.cumulative.addAt(octave, bucketSlot, v, weight)
  }

  private advanceTo(epoch: number): void {
    const packed = this.packed
    if (this.currentEpoch !== -Infinity) {
      const closed = this.currentEpoch % SLOT_COUNT
      const stillLive = epoch - this.currentEpoch < SLOT_COUNT
      const gained = stillLive && this.field(closed, REQUESTS) > 0
      packed.put(
        closed,
        gained ? packCountsSince(this.cumulative, packed.bytes, packed.start(BASE), packed.end(BASE)) : null,
      )
    }
    const slot = epoch % SLOT_COUNT
    packed.put(slot, null)
    // The new live slot starts from the cumulative histogram as it is now (~5 µs for a busy task,
    // once per slot: every 5 s at the default window, and only for tasks that get requests).
    packed.put(BASE, this.cumulative.totalCount > 0 ? packCountsView(this.cumulative) : null)
    packed.commit()
    this.resetRow(slot, epoch)
    this.currentEpoch = epoch
    this.currentRow = slot * FIELDS
    this.nextEpochStartMs = (epoch + 1) * this.slotMs
  }

  private field(slot: number, field: number): number {
    return this.table[slot * FIELDS + field] ?? 0
  }

  private resetRow(slot: number, epoch: number): void {
    const row = slot * FIELDS
    this.table[row + EPOCH] = epoch
    this.table[row + REQUESTS] = 0
    this.table[row + ERRORS] = 0
    this.table[row + SUM_MS] = 0
  }

  private isLive(slot: number, epochNow: number): boolean {
    const epoch = this.field(slot, EPOCH)
    return epoch > epochNow - SLOT_COUNT && epoch <= epochNow
  }

  totals(nowMs: number, out: WindowTotals): void {
    const epochNow = Math.floor(nowMs / this.slotMs)
    out.requests = 0
    out.errors = 0
    out.sumMs = 0
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      if (!this.isLive(slot, epochNow)) continue
      out.requests += this.field(slot, REQUESTS)
      out.errors += this.field(slot, ERRORS)
      out.sumMs += this.field(slot, SUM_MS)
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
    const packed = this.packed
    const bytes = packed.bytes
    let expired = false
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      if (!this.isLive(slot, epochNow)) {
        // Expired data is freed here too, so a task that went quiet holds no packed slots.
        if (packed.length(slot) > 0) {
          packed.put(slot, null)
          expired = true
        }
        continue
      }
      if (this.field(slot, EPOCH) === this.currentEpoch)
        merger.addLiveSlot(this.cumulative, bytes, packed.start(BASE), packed.end(BASE), cumulativeAdded)
      else if (packed.length(slot) > 0) merger.addPacked(bytes, packed.start(slot), packed.end(slot))
    }
    // The live slot itself left the window: its snapshot is no longer needed.
    if (this.currentEpoch <= epochNow - SLOT_COUNT && packed.length(BASE) > 0) {
      packed.put(BASE, null)
      expired = true
    }
    if (expired) packed.commit()
  }

  /**
   * Worker side of --workers: writes every live slot that holds data (epoch, requests, errors,
   * sumMs, packed buckets), then empties the slots; the epochs stay, so later events of the
   * current slot keep landing in it. Slots already outside the window are dropped. The owner
   * empties the cumulative histogram next (TaskStats.takeDelta): nothing is left to subtract.
   */
  takeDelta(sink: DeltaSink, nowMs: number): void {
    this.writeSlots(sink, nowMs)
    for (let slot = 0; slot < SLOT_COUNT; slot++) this.resetRow(slot, this.field(slot, EPOCH))
    this.packed.clear()
  }

  /** The state file (state/): the live slot's epoch, then takeDelta()'s slots; nothing is emptied. */
  writeState(sink: DeltaSink, nowMs: number): void {
    sink.f64(this.currentEpoch === -Infinity ? -1 : this.currentEpoch)
    this.writeSlots(sink, nowMs)
  }

  private writeSlots(sink: DeltaSink, nowMs: number): void {
    const epochNow = Math.floor(nowMs / this.slotMs)
    let sent = 0
    for (let slot = 0; slot < SLOT_COUNT; slot++) if (this.holdsNews(slot, epochNow)) sent++
    sink.u32(sent)
    const packed = this.packed
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      if (!this.holdsNews(slot, epochNow)) continue
      const epoch = this.field(slot, EPOCH)
      sink.f64(epoch)
      sink.f64(this.field(slot, REQUESTS))
      sink.f64(this.field(slot, ERRORS))
      sink.f64(this.field(slot, SUM_MS))
      const live = epoch === this.currentEpoch
      sink.bytes(
        live ? packCountsSince(this.cumulative, packed.bytes, packed.start(BASE), packed.end(BASE)) : packed.view(slot),
      )
    }
  }

  /**
   * Restores writeState() into an empty window whose cumulative histogram is restored already;
   * slots outside the window at nowMs are dropped. The live slot stays live: its base is the
   * cumulative histogram minus the slot, so later requests of its epoch land in it.
   */
  readState(source: DeltaSource, nowMs: number): void {
    const live = source.f64()
    const epochNow = Math.floor(nowMs / this.slotMs)
    const slots = source.u32()
    for (let i = 0; i < slots; i++) {
      const epoch = source.f64()
      const row = [source.f64(), source.f64(), source.f64()] as const
      const bytes = source.bytesView()
      if (!Number.isInteger(epoch) || epoch < 0 || epoch <= epochNow - SLOT_COUNT || epoch > epochNow) continue
      const slot = epoch % SLOT_COUNT
      this.resetRow(slot, epoch)
      this.table.set(row, slot * FIELDS + REQUESTS)
      if (epoch !== live) this.packed.put(slot, bytes)
      else {
        this.packed.put(BASE, packCountsSince(this.cumulative, bytes, 0, bytes.length))
        this.currentEpoch = epoch
        this.currentRow = slot * FIELDS
        this.nextEpochStartMs = (epoch + 1) * this.slotMs
      }
    }
    this.packed.commit()
  }

  /** A live slot with requests and their buckets (the live one's are the cumulative's gain). */
  private holdsNews(slot: number, epochNow: number): boolean {
    if (!this.isLive(slot, epochNow) || this.field(slot, REQUESTS) === 0) return false
    return this.field(slot, EPOCH) === this.currentEpoch || this.packed.length(slot) > 0
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
      into?.mergeSlot(epoch, requests, errors, sumMs, packed)
    }
  }

  /**
   * Adds one shard's data for `epoch`. A slot holding an older epoch is recycled first; data
   * older than the slot's epoch is outside the window and ignored. Two live epochs never share a
   * slot, so per-epoch sums are exact whatever order the shards' data comes in.
   */
  private mergeSlot(epoch: number, requests: number, errors: number, sumMs: number, packed: Uint8Array): void {
    const slot = epoch % SLOT_COUNT
    const stored = this.field(slot, EPOCH)
    if (stored > epoch) return
    const held = stored < epoch || this.packed.length(slot) === 0 ? null : this.packed.view(slot)
    if (stored < epoch) this.resetRow(slot, epoch)
    const row = slot * FIELDS
    this.table[row + REQUESTS] = this.field(slot, REQUESTS) + requests
    this.table[row + ERRORS] = this.field(slot, ERRORS) + errors
    this.table[row + SUM_MS] = this.field(slot, SUM_MS) + sumMs
    // commit() copies the bytes in: the delta's view need not outlive this call.
    this.packed.put(slot, held === null ? packed : mergePackedCounts(held, packed))
    this.packed.commit()
  }

  /** Bytes the window holds (the cumulative histogram is counted by its owner, the task). */
  footprintBytes(): number {
    return 64 + 100 + this.table.byteLength + this.packed.footprintBytes()
  }
}
