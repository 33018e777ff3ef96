// A closed window slot's bucket counts, packed as varints: (flat index delta, count) pairs in
// ascending order. A busy slot of a lognormal latency mix holds ~100–400 distinct buckets, so a
// slot costs ~2.5 bytes per bucket instead of the 4–13 KB of a dense histogram, so that windowed
// percentiles do not cost a full dense histogram per sub-window per task.
import type { LatencyHistogram } from './latency-histogram.js'

let scratch = new Uint8Array(4096)
let scratchLength = 0

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

let previousFlat = 0
function appendBucket(flat: number, count: number): void {
  writeVarint(flat - previousFlat)
  writeVarint(count)
  previousFlat = flat
}

/** Packs a histogram's non-zero buckets; the result is owned by the caller. */
export function packCounts(histogram: LatencyHistogram): Uint8Array {
  scratchLength = 0
  previousFlat = 0
  histogram.forEachBucket(appendBucket)
  return scratch.slice(0, scratchLength)
}

/**
 * Packs the buckets `histogram` gained since `base` (a packCounts() of it taken earlier; null =
 * empty): the window's live slot (sliding-window.ts). Counts only grow, so every difference is ≥ 0.
 */
export function packCountsSince(histogram: LatencyHistogram, base: Uint8Array | null): Uint8Array {
  if (base === null) return packCounts(histogram)
  const flats: number[] = []
  const counts: number[] = []
  readPackedCounts(base, (flat, count) => {
    flats.push(flat)
    counts.push(count)
  })
  scratchLength = 0
  previousFlat = 0
  let i = 0
  histogram.forEachBucket((flat, count) => {
    while (i < flats.length && (flats[i] ?? 0) < flat) i++
    const before = i < flats.length && flats[i] === flat ? (counts[i] ?? 0) : 0
    if (count > before) appendBucket(flat, count - before)
  })
  return scratch.slice(0, scratchLength)
}

// Varint reader shared by the walkers below. Each walker keeps its own position and hands it over
// per read (cursor = pos … pos = cursor), so a visit callback may walk another packed slot.
let cursor = 0

function nextVarint(packed: Uint8Array): number {
  let byte = packed[cursor++] ?? 0
  let value = byte & 0x7f
  for (let scale = 0x80; byte >= 0x80; scale *= 0x80) {
    byte = packed[cursor++] ?? 0
    value += (byte & 0x7f) * scale
  }
  return value
}

/** Adds every (flat, count) of a packed slot into a dense array, widening `touched` to cover them. */
export function addPackedCounts(packed: Uint8Array, dense: Float64Array, touched: { min: number; max: number }): void {
  let pos = 0
  let flat = 0
  while (pos < packed.length) {
    cursor = pos
    flat += nextVarint(packed)
    const count = nextVarint(packed)
    pos = cursor
    dense[flat] = (dense[flat] ?? 0) + count
    if (flat < touched.min) touched.min = flat
    if (flat > touched.max) touched.max = flat
  }
}

/** Subtracts every (flat, count) of a packed list from a dense array (the live slot's base). */
export function subtractPackedCounts(packed: Uint8Array, dense: Float64Array): void {
  let pos = 0
  let flat = 0
  while (pos < packed.length) {
    cursor = pos
    flat += nextVarint(packed)
    const count = nextVarint(packed)
    pos = cursor
    dense[flat] = (dense[flat] ?? 0) - count
  }
}

/** Calls visit(flat, count) for every bucket of a packed slot, ascending (to merge --workers shards). */
export function readPackedCounts(packed: Uint8Array, visit: (flat: number, count: number) => void): void {
  let pos = 0
  let flat = 0
  while (pos < packed.length) {
    cursor = pos
    flat += nextVarint(packed)
    const count = nextVarint(packed)
    pos = cursor
    visit(flat, count)
  }
}

/** The bucket-wise sum of two packed slots (two workers' data for one window slot). */
export function mergePackedCounts(a: Uint8Array, b: Uint8Array): Uint8Array {
  const flats: number[] = []
  const counts: number[] = []
  readPackedCounts(a, (flat, count) => {
    flats.push(flat)
    counts.push(count)
  })
  scratchLength = 0
  previousFlat = 0
  let i = 0
  readPackedCounts(b, (flat, count) => {
    while (i < flats.length && (flats[i] ?? 0) < flat) {
      appendBucket(flats[i] ?? 0, counts[i] ?? 0)
      i++
    }
    if (i < flats.length && flats[i] === flat) appendBucket(flat, (counts[i++] ?? 0) + count)
    else appendBucket(flat, count)
  })
  for (; i < flats.length; i++) appendBucket(flats[i] ?? 0, counts[i] ?? 0)
  return scratch.slice(0, scratchLength)
}

/**
 * Adds a packed bucket list whose values lay in [minUs, maxUs] into a histogram: another --workers
 * shard's share of it. Counts add exactly, as HdrHistograms do.
 */
export function addPackedToHistogram(
  histogram: LatencyHistogram,
  packed: Uint8Array,
  minUs: number,
  maxUs: number,
): void {
  const layout = histogram.layout
  readPackedCounts(packed, (flat, count) => {
    const octave = layout.octaveOfFlat(flat)
    histogram.addAt(octave, flat - layout.flatIndex(octave, 0), maxUs, count)
  })
  if (minUs < histogram.minUs) histogram.minUs = minUs
}
