// The most recent exemplar (SPEC.md §3.4: a W3C trace id and span id with the observation they
// belong to) of each classic `le` bucket of a task, so that a slow bucket leads to a trace. One slot
// per classic bucket (the task's `le` bounds, then +Inf) serves the native histogram too: Prometheus
// takes a list of exemplars there, and a slot per native bucket would cost ~100 times more. Typed
// arrays, made on a task's first exemplar only: a task without exemplars costs one null field.
import { EXEMPLAR_ID_BYTES } from '@taskmeter/protocol'

/** Bytes per slot: value (f64), Unix time (f64), trace id + span id. */
export const EXEMPLAR_SLOT_BYTES = 8 + 8 + EXEMPLAR_ID_BYTES
/**
 * A store's own heap beside its slots: the object, its buffer and three views. Measured: 20 000
 * stores of 12 bounds took 443 bytes of heap each plus their 520-byte buffers (node 20, --expose-gc).
 */
export const EXEMPLAR_STORE_OVERHEAD_BYTES = 448

/** What a store of `bounds` le bounds takes: one slot per bound and one for +Inf. */
export function exemplarStoreBytes(bounds: number): number {
  return EXEMPLAR_STORE_OVERHEAD_BYTES + (bounds + 1) * EXEMPLAR_SLOT_BYTES
}

export class ExemplarStore {
  /** The `le` bounds in seconds the slots follow (the same array the renderers get for the task). */
  readonly bounds: readonly number[]
  /** Per slot: the observation in ms, and its Unix time in ms (0: the slot is empty). */
  readonly valuesMs: Float64Array
  readonly unixMs: Float64Array
  /** Per slot: 16 bytes of trace id, then 8 of span id. */
  readonly ids: Uint8Array

  constructor(bounds: readonly number[]) {
    this.bounds = bounds
    // One buffer under the three views: each buffer of its own cost ~200 bytes of headers.
    const slots = bounds.length + 1
    const buffer = new ArrayBuffer(slots * EXEMPLAR_SLOT_BYTES)
    this.valuesMs = new Float64Array(buffer, 0, slots)
    this.unixMs = new Float64Array(buffer, slots * 8, slots)
    this.ids = new Uint8Array(buffer, slots * 16, slots * EXEMPLAR_ID_BYTES)
  }

  get slots(): number {
    return this.valuesMs.length
  }

  /** The slot of a duration: the first bound at or above it (a bucket's `le` is inclusive), else +Inf. */
  slotOf(durationMs: number): number {
    const seconds = durationMs / 1000
    const bounds = this.bounds
    for (let i = 0; i < bounds.length; i++) if (seconds <= (bounds[i] ?? 0)) return i
    return bounds.length
  }

  /** Keeps the exemplar in its bucket's slot, over the one there. `ids` holds trace id then span id from `idsAt`. */
  record(durationMs: number, ids: Uint8Array, idsAt: number, unixMs: number): void {
    const slot = this.slotOf(durationMs)
    this.valuesMs[slot] = durationMs
    this.unixMs[slot] = unixMs
    const to = slot * EXEMPLAR_ID_BYTES
    for (let i = 0; i < EXEMPLAR_ID_BYTES; i++) this.ids[to + i] = ids[idsAt + i] ?? 0
  }

  has(slot: number): boolean {
    return (this.unixMs[slot] ?? 0) > 0
  }

  /**
   * The slowest exemplar recorded at or after `sinceUnixMs` (the sliding window's start), or -1.
   * Each slot holds its bucket's latest, so this is the slowest of the latest per bucket.
   */
  slowestSince(sinceUnixMs: number): number {
    let best = -1
    for (let i = 0; i < this.valuesMs.length; i++) {
      if (!this.has(i) || (this.unixMs[i] ?? 0) < sinceUnixMs) continue
      if (best < 0 || (this.valuesMs[i] ?? 0) > (this.valuesMs[best] ?? 0)) best = i
    }
    return best
  }

  /** The slot's ids as lowercase hex: trace id (32 digits) and span id (16). For JSON, not the render. */
  traceIdHex(slot: number): string {
    return Buffer.from(this.ids.buffer, this.ids.byteOffset + slot * EXEMPLAR_ID_BYTES, 16).toString('hex')
  }

  spanIdHex(slot: number): string {
    return Buffer.from(this.ids.buffer, this.ids.byteOffset + slot * EXEMPLAR_ID_BYTES + 16, 8).toString('hex')
  }

  footprintBytes(): number {
    return exemplarStoreBytes(this.bounds.length)
  }
}
