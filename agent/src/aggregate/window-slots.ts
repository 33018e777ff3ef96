// A task's window one slot at a time (the live page's history at load): each slot's requests,
// errors, summed durations and its own percentiles. The slots are read through writeState(), the
// walk the state file takes, so the window needs no second reader of its internals and is left as
// it was; each slot's buckets then go through the window's own merger and quantile loop
// (WindowMerger.drainQuantiles), so a slot's p99 is computed exactly as the window's is.
import type { BucketLayout } from './bucket-layout.js'
import { DeltaReader, DeltaWriter } from './delta-bytes.js'
import { QUANTILES } from './quantiles.js'
import { SLOT_COUNT, type SlidingWindow } from './sliding-window.js'
import { WindowMerger } from './window-merger.js'

export interface SlotFigures {
  /** When the slot ends on the aggregator's clock (ms); the slot being written ends at nowMs. */
  endMs: number
  /** Milliseconds of the slot the agent was running for, up to nowMs. */
  coveredMs: number
  requests: number
  errors: number
  sumMs: number
  /** QUANTILES in µs, each the highest value of its HDR bucket; zeros when the slot is empty. */
  quantilesUs: Float64Array
  /** Highest value of the slot's highest non-empty bucket (µs); 0 when empty. */
  maxUs: number
}

interface HeldSlot {
  requests: number
  errors: number
  sumMs: number
  packed: Uint8Array
}

export class WindowSlots {
  private readonly layout: BucketLayout
  private readonly slotMs: number
  private readonly merger: WindowMerger
  private readonly writer = new DeltaWriter(4096)

  constructor(layout: BucketLayout, windowSeconds: number) {
    this.layout = layout
    this.slotMs = (windowSeconds * 1000) / SLOT_COUNT
    this.merger = new WindowMerger(layout)
  }

  /**
   * Every slot of the window at nowMs that the agent ran in (it started at startedMs), oldest
   * first, the one being written last; a slot without requests is listed with zeros, so a quiet
   * stretch reads as one. At most SLOT_COUNT rows.
   */
  read(window: SlidingWindow, nowMs: number, startedMs: number): SlotFigures[] {
    const held = this.heldSlots(window, nowMs)
    const slotMs = this.slotMs
    const epochNow = Math.floor(nowMs / slotMs)
    const first = Math.max(epochNow - SLOT_COUNT + 1, Math.floor(startedMs / slotMs))
    const rows: SlotFigures[] = []
    for (let epoch = first; epoch <= epochNow; epoch++) {
      const endMs = Math.min((epoch + 1) * slotMs, nowMs)
      const slot = held.get(epoch)
      const row: SlotFigures = {
        endMs,
        coveredMs: Math.max(0, endMs - Math.max(epoch * slotMs, startedMs)),
        requests: slot?.requests ?? 0,
        errors: slot?.errors ?? 0,
        sumMs: slot?.sumMs ?? 0,
        quantilesUs: new Float64Array(QUANTILES.length),
        maxUs: 0,
      }
      if (slot !== undefined) {
        this.merger.addPacked(slot.packed, 0, slot.packed.length)
        const highest = this.merger.drainQuantiles(this.layout, QUANTILES, row.requests, row.quantilesUs)
        row.maxUs = highest < 0 ? 0 : this.layout.highestOfFlat(highest)
      }
      rows.push(row)
    }
    return rows
  }

  /** The slots holding requests, by epoch, as writeState() lists them (see SlidingWindow.writeSlots). */
  private heldSlots(window: SlidingWindow, nowMs: number): Map<number, HeldSlot> {
    const writer = this.writer
    writer.reset()
    window.writeState(writer, nowMs)
    const source = new DeltaReader(writer.finish())
    source.f64() // the live slot's epoch: its buckets are listed like the others'
    const held = new Map<number, HeldSlot>()
    const count = source.u32()
    for (let i = 0; i < count; i++) {
      const epoch = source.f64()
      const requests = source.f64()
      const errors = source.f64()
      const sumMs = source.f64()
      // finish() copied the bytes out of the writer, so the views stay valid for this read.
      held.set(epoch, { requests, errors, sumMs, packed: source.bytesView() })
    }
    return held
  }
}
