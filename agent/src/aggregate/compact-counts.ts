// A closed window slot's bucket counts, packed: per non-empty bucket, ascending, one byte whose
// low nibble is the step from the previous bucket's flat index (1–15; 0: a varint step follows)
// and high nibble the count (1–15; 0: a varint count follows). A busy slot of a lognormal latency
// mix holds ~100–400 distinct buckets a few flat indexes apart with counts of 1–3: ~1.1 bytes a
// bucket, where a varint pair took 2 (bench/README.md "State per task"), and a dense histogram
// 2–4 bytes over ~1 000 buckets, so windowed percentiles cost no dense histogram per sub-window.

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
  private end: number

  /** Reads packed[start, end) (a list inside a larger buffer, or all of `packed`). */
  constructor(packed: Uint8Array, start = 0, end = packed.length) {
    this.packed = packed
    this.pos = start
    this.end = end
    this.flat = -1
    this.count = 0
  }

  /** Starts over on another list (a reused reader: the scrape path allocates none). */
  reset(packed: Uint8Array, start: number, end: number): void {
    this.packed = packed
    this.pos = start
    this.end = end
    this.flat = -1
    this.count = 0
  }

  /** Steps to the next bucket; false (and nothing changed) past the last. */
  next(): boolean {
    if (this.pos >= this.end) return false
    const head = this.packed[this.pos++] ?? 0
    const step = head & 0x0f
    this.flat += step === 0 ? this.varint() : step
    const count = head >>> 4
    this.count = count === 0 ? this.varint() : count
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

// The writers' scratch: one list is packed at a time (no packing starts inside another), in two
// buffers by turns, so a view from the *View functions stays valid through the next packing: a
// window packs a closed slot and its next base, then copies both into its segments.
const scratches = [new Uint8Array(4096), new Uint8Array(4096)]
let turn = 0
let scratch = scratches[0] as Uint8Array
let scratchLength = 0
let previousFlat = -1

function ensureScratch(): void {
  if (scratchLength + 21 > scratch.length) {
    const grown = new Uint8Array(scratch.length * 2)
    grown.set(scratch)
    scratch = grown
    scratches[turn] = grown
  }
}

function writeVarint(value: number): void {
  while (value >= 0x80) {
    scratch[scratchLength++] = (value % 0x80) | 0x80
    value = Math.floor(value / 0x80)
  }
  scratch[scratchLength++] = value
}

function beginPacking(): void {
  turn ^= 1
  scratch = scratches[turn] as Uint8Array
  scratchLength = 0
  previousFlat = -1
}

function appendBucket(flat: number, count: number): void {
  ensureScratch()
  const step = flat - previousFlat
  scratch[scratchLength++] = (step < 16 ? step : 0) | (count < 16 ? count << 4 : 0)
  if (step >= 16) writeVarint(step)
  if (count >= 16) writeVarint(count)
  previousFlat = flat
}

/** A view of what was packed: valid through the next packing, not the one after. */
function finishPacking(): Uint8Array {
  return scratch.subarray(0, scratchLength)
}

/** Packs a histogram's non-zero buckets; the result is owned by the caller. */
export function packCounts(histogram: BucketSource): Uint8Array {
  return packCountsView(histogram).slice()
}

/** packCounts() into the scratch: copy the view out before the packing after next. */
export function packCountsView(histogram: BucketSource): Uint8Array {
  beginPacking()
  histogram.forEachBucket(appendBucket)
  return finishPacking()
}

/**
 * Packs the buckets `histogram` gained since `base[start, end)` (a packCounts() of it taken
 * earlier; empty = nothing then): the window's live slot (sliding-window.ts). Counts only grow,
 * so every difference is ≥ 0. A view, as packCountsView().
 */
export function packCountsSince(histogram: BucketSource, base: Uint8Array, start: number, end: number): Uint8Array {
  if (start >= end) return packCountsView(histogram)
  const before = new PackedCountsReader(base, start, end)
  let more = before.next()
  beginPacking()
  histogram.forEachBucket((flat, count) => {
    while (more && before.flat < flat) more = before.next()
    const had = more && before.flat === flat ? before.count : 0
    if (count > had) appendBucket(flat, count - had)
  })
  return finishPacking()
}

const scrapeReader = new PackedCountsReader(new Uint8Array(0))

/** Adds every (flat, count) of packed[start, end) into a dense array, widening `touched` to cover them. */
export function addPackedCounts(
  packed: Uint8Array,
  start: number,
  end: number,
  dense: Float64Array,
  touched: { min: number; max: number },
): void {
  const reader = scrapeReader
  reader.reset(packed, start, end)
  while (reader.next()) {
    const flat = reader.flat
    dense[flat] = (dense[flat] ?? 0) + reader.count
    if (flat < touched.min) touched.min = flat
    if (flat > touched.max) touched.max = flat
  }
}

/** Subtracts every (flat, count) of packed[start, end) from a dense array (the live slot's base). */
export function subtractPackedCounts(packed: Uint8Array, start: number, end: number, dense: Float64Array): void {
  const reader = scrapeReader
  reader.reset(packed, start, end)
  while (reader.next()) dense[reader.flat] = (dense[reader.flat] ?? 0) - reader.count
}

/** The bucket-wise sum of two packed slots (two workers' data for one window slot); a view, as packCountsView(). */
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
