// A closed window slot's bucket counts, packed as varints: (flat index delta, count) pairs in
// ascending order. A busy slot of a lognormal latency mix holds ~100–400 distinct buckets, so a
// slot costs ~2.5 bytes per bucket instead of the 4–13 KB of a dense histogram (issue 14: windowed
// percentiles must not cost a full dense histogram per sub-window per task).
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

/** Adds every (flat, count) of a packed slot into a dense array, returning [min, max] touched. */
export function addPackedCounts(packed: Uint8Array, dense: Float64Array, touched: { min: number; max: number }): void {
  let pos = 0
  let flat = 0
  while (pos < packed.length) {
    let delta = 0
    let scale = 1
    let byte: number
    do {
      byte = packed[pos++] as number
      delta += (byte & 0x7f) * scale
      scale *= 0x80
    } while (byte >= 0x80)
    let count = 0
    scale = 1
    do {
      byte = packed[pos++] as number
      count += (byte & 0x7f) * scale
      scale *= 0x80
    } while (byte >= 0x80)
    flat += delta
    dense[flat] = (dense[flat] as number) + count
    if (flat < touched.min) touched.min = flat
    if (flat > touched.max) touched.max = flat
  }
}
