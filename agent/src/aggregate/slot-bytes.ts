// The packed buckets of a window's closed slots and of its live slot's base (compact-counts.ts),
// in one byte array: one object, where a Uint8Array per slot cost ~150 bytes of V8 objects
// beside its ~200 bytes of counts. Segment i is bytes[start(i), end(i)), its span kept in the
// window's own Float64Array. A change rewrites the segments, every other one copied over: once
// per slot a busy task fills (every 5 s at the default window), a few KB. A new array has 1/16
// to spare and is reused while the segments fill at least three quarters of it, so a steady
// task rewrites its array in place instead of leaving one to the ArrayBuffer sweeper each slot.

const EMPTY = new Uint8Array(0)
// Where commit() lays the segments out before copying them into a reused array.
let spare = new Uint8Array(4096)

// What put() staged for the next commit(), by segment (undefined: keep). Windows stage and commit
// one at a time, synchronously, so one staging list serves them all.
const staged: Array<Uint8Array | null | undefined> = []

export class SlotBytes {
  bytes: Uint8Array
  private readonly spans: Float64Array
  private readonly offset: number
  private readonly segments: number

  /** spans[offset + 2i] is segment i's start and spans[offset + 2i + 1] its length. */
  constructor(spans: Float64Array, offset: number, segments: number) {
    this.bytes = EMPTY
    this.spans = spans
    this.offset = offset
    this.segments = segments
  }

  /** Entries of the span table that `segments` segments take. */
  static spanLength(segments: number): number {
    return 2 * segments
  }

  start(segment: number): number {
    return this.spans[this.offset + 2 * segment] ?? 0
  }

  end(segment: number): number {
    return this.start(segment) + this.length(segment)
  }

  length(segment: number): number {
    return this.spans[this.offset + 2 * segment + 1] ?? 0
  }

  /** A view of one segment, valid until the next commit(). */
  view(segment: number): Uint8Array {
    return this.bytes.subarray(this.start(segment), this.end(segment))
  }

  /** Stages new bytes for a segment (null: empty); commit() writes every staged one at once. */
  put(segment: number, data: Uint8Array | null): void {
    staged[segment] = data
  }

  commit(): void {
    const spans = this.spans
    let total = 0
    for (let segment = 0; segment < this.segments; segment++) {
      const data = staged[segment]
      total += data === undefined ? this.length(segment) : data === null ? 0 : data.length
    }
    const capacity = this.bytes.length
    const reuse = total > 0 && total <= capacity && total >= capacity - (capacity >> 2)
    if (reuse && spare.length < total) spare = new Uint8Array(total * 2)
    const next = total === 0 ? EMPTY : reuse ? spare : new Uint8Array(total + (total >> 4))
    let at = 0
    for (let segment = 0; segment < this.segments; segment++) {
      const data = staged[segment]
      staged[segment] = undefined
      let length = 0
      if (data === undefined) {
        length = this.length(segment)
        if (length > 0) next.set(this.view(segment), at)
      } else if (data !== null) {
        length = data.length
        next.set(data, at)
      }
      spans[this.offset + 2 * segment] = at
      spans[this.offset + 2 * segment + 1] = length
      at += length
    }
    if (reuse) this.bytes.set(spare.subarray(0, total))
    else this.bytes = next
  }

  /** Empties every segment. */
  clear(): void {
    this.bytes = EMPTY
    this.spans.fill(0, this.offset, this.offset + 2 * this.segments)
  }

  /** The object and, once it holds bytes, the array (with its slack) and its ~100 bytes of V8 objects. */
  footprintBytes(): number {
    return 40 + (this.bytes.length > 0 ? 100 + this.bytes.length : 0)
  }
}
