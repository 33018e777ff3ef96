// A closed window slot's bucket counts, packed as varints: (flat index delta, count) pairs in
// ascending order. A busy slot of a lognormal latency mix holds ~100–400 distinct buckets, so a
// slot costs ~2.5 bytes per bucket instead of the 4–13 KB of a dense histogram, so that windowed
// percentiles do not cost a full dense histogram per sub-window per task.

/** What packCounts() reads: a histogram's non-zero buckets, ascending (LatencyHistogram). */
export interface BucketSource {
  forEachBucket(visit: (flat: number, count: number) => void): void
}

/**
 * Walks one packed list: each next() steps to the following bucket (`flat`, `count`). Every walk
 * has its own reader, so a walk may start another inside its loop (two lists merged in step).
 */
export class PackedCountsReader {
  flat: number
  count: number
  private packed: Uint8Array
  private pos: number

  constructor(packed: Uint8Array) {
    this.packed = packed
    this.pos = 0
    this.flat = 0
    this.count = 0
  }

  /** Steps to the next bucket; false (and nothing changed) past the last. */
  next(): boolean {
    if (this.pos >= this.packed.length) return false
    this.flat += this.varint()
    this.count = this.varint()
    return true
  }

  private varint(): number {
    const packed = this.packed
    let pos = this.pos
    let byte = packed[pos++] ?? 0
    let value = byte & 0x7f
    for (let scale = 0x80; byte >= 0x80; scale *= 0x80) {
      byte = packed[pos++] ?? 0
      value += (byte & 0x7f) * scale
    }
    this.pos = pos
    return value
  }
}

// The writers' scratch: one list is packed at a time (no packing starts inside another), and the
// result is copied out, so one buffer serves every packCounts call.
let scratch = new Uint8Array(4096)
let scratchLength = 0
let previousFlat = 0

function writeVarint(value: number): void {
  if (scratchLength + 10 > scratch.length) {
    const grown = new Uint8Array(scratch.length * 2)
    grown.set(scratch)
    scratch = grown
  }
  while (value >= 0x80) {
    scratch[scratchLength++] = (value % 0x80) | 0x80
    value = Math.floor(value / 0x80)
  }
  scratch[scratchLength++] = value
}

function beginPacking(): void {
  scratchLength = 0
  previousFlat = 0
}

function appendBucket(flat: number, count: number): void {
  writeVarint(flat - previousFlat)
  writeVarint(count)
  previousFlat = flat
}

function finishPacking(): Uint8Array {
  return scratch.slice(0, scratchLength)
}

/** Packs a histogram's non-zero buckets; the result is owned by the caller. */
export function packCounts(histogram: BucketSource): Uint8Array {
  beginPacking()
  histogram.forEachBucket(appendBucket)
  return finishPacking()
}

/**
 * Packs the buckets `histogram` gained since `base` (a packCounts() of it taken earlier; null =
 * empty): the window's live slot (sliding-window.ts). Counts only grow, so every difference is ≥ 0.
 */
export function packCountsSince(histogram: BucketSource, base: Uint8Array | null): Uint8Array {
  if (base === null) return packCounts(histogram)
  const before = new PackedCountsReader(base)
  let more = before.next()
  beginPacking()
  histogram.forEachBucket((flat, count) => {
    while (more && before.flat < flat) more = before.next()
    const had = more && before.flat === flat ? before.count : 0
    if (count > had) appendBucket(flat, count - had)
  })
  return finishPacking()
}

/** Adds every (flat, count) of a packed slot into a dense array, widening `touched` to cover them. */
export function addPackedCounts(packed: Uint8Array, dense: Float64Array, touched: { min: number; max: number }): void {
  const reader = new PackedCountsReader(packed)
  while (reader.next()) {
    const flat = reader.flat
    dense[flat] = (dense[flat] ?? 0) + reader.count
    if (flat < touched.min) touched.min = flat
    if (flat > touched.max) touched.max = flat
  }
}

/** Subtracts every (flat, count) of a packed list from a dense array (the live slot's base). */
export function subtractPackedCounts(packed: Uint8Array, dense: Float64Array): void {
  const reader = new PackedCountsReader(packed)
  while (reader.next()) dense[reader.flat] = (dense[reader.flat] ?? 0) - reader.count
}

/** The bucket-wise sum of two packed slots (two workers' data for one window slot). */
export function mergePackedCounts(a: Uint8Array, b: Uint8Array): Uint8Array {
  const left = new PackedCountsReader(a)
  const right = new PackedCountsReader(b)
  let hasLeft = left.next()
  let hasRight = right.next()
  beginPacking()
  while (hasLeft && hasRight) {
    if (left.flat < right.flat) {
      appendBucket(left.flat, left.count)
      hasLeft = left.next()
    } else if (right.flat < left.flat) {
      appendBucket(right.flat, right.count)
      hasRight = right.next()
    } else {
      appendBucket(left.flat, left.count + right.count)
      hasLeft = left.next()
      hasRight = right.next()
    }
  }
  for (; hasLeft; hasLeft = left.next()) appendBucket(left.flat, left.count)
  for (; hasRight; hasRight = right.next()) appendBucket(right.flat, right.count)
  return finishPacking()
}
