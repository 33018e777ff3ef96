// Cumulative HdrHistogram of durations in µs, with HdrHistogram's bucket layout and percentile
// rule, in one typed array over the flat indexes in use, grown as values land outside it.
// Measured on this machine (2M lognormal values, precision 2, range 1 µs..1 h): hdr-histogram-js
// JS Int32 119 ns/record and 14 KB; WASM Int32 28 ns/record, 13 KB of linear memory and a
// destroy() to call; WASM packed 265 ns/record. Counts are 16-bit; the first to pass 65 535 adds
// a second 16-bit array of high halves. A busy task spans ~1 100 buckets (6–9 octaves): 2.2 KB in
// one object, where one 32-bit array per octave cost ~5 KB with their objects. One element type
// keeps every loop monomorphic: a Uint16Array | Uint32Array field made record ~40 % slower and a
// scrape loop 1.4–2× (V8 checks the element kind on each access once it has seen both).
// hdr-histogram-js remains the oracle: latency-histogram.test.ts compares percentiles exactly.
import type { BucketLayout } from './bucket-layout.js'
import type { BucketList } from './bucket-list.js'
import { quantileTarget } from './quantile-rule.js'

/** Growth steps are whole chunks of buckets, so a range that widens bucket by bucket reallocates rarely. */
const CHUNK = 32
const NO_COUNTS = new Uint16Array(0)
/** bucket-layout.ts MAX_TRACKABLE_US as a literal: record() read through the import binding ran ~20 % slower. */
const MAX_US = 1_099_511_627_776
let zeros = new Uint16Array(0)

/** Shared zeros for the high halves of a histogram that has none (the scrape loop reads both). */
function zerosOf(length: number): Uint16Array {
  if (zeros.length < length) zeros = new Uint16Array(length)
  return zeros
}

export class LatencyHistogram {
  readonly layout: BucketLayout
  /** Counts of flat indexes `low` .. `low + counts.length − 1`, low 16 bits. */
  private counts: Uint16Array
  private low: number
  /** The high 16 bits, once one count passed 65 535 (same range as `counts`). */
  private high: Uint16Array | null
  /** Counts past 2^32 in one slot spill here (flat index → extra count). Never seen in practice. */
  private overflow: Map<number, number> | null
  totalCount: number
  minUs: number
  maxUs: number

  constructor(layout: BucketLayout) {
    this.layout = layout
    this.counts = NO_COUNTS
    this.low = 0
    this.high = null
    this.overflow = null
    this.totalCount = 0
    this.minUs = Infinity
    this.maxUs = 0
  }

  record(valueUs: number): void {
    const v = valueUs > MAX_US ? MAX_US : valueUs < 0 ? 0 : valueUs
    const octave = this.layout.octaveOf(v)
    this.addAt(octave, this.layout.slotOf(v, octave), v, 1)
  }

  /** Records `count` (a positive integer) equal values: sampled timings weigh 1/sampleRate. */
  recordCount(valueUs: number, count: number): void {
    const v = valueUs > MAX_US ? MAX_US : valueUs < 0 ? 0 : valueUs
    const octave = this.layout.octaveOf(v)
    this.addAt(octave, this.layout.slotOf(v, octave), v, count)
  }

  /**
   * Adds `count` at a bucket the caller already located (octave, slot of the clamped value v):
   * a request lands in the cumulative histogram and its window slot, and locating it once for
   * both saves a log2 and a shift per event.
   */
  addAt(octave: number, slot: number, v: number, count: number): void {
    const flat = this.layout.flatIndex(octave, slot)
    const counts = this.counts
    const index = flat - this.low
    if (index >>> 0 >= counts.length) this.addOutside(flat, count)
    else {
      // In range (checked above): `as number`, not `?? 0`, which cost ~40 % of record here.
      const next = (counts[index] as number) + count
      if (next > 0xffff) this.carry(flat, index, next)
      else counts[index] = next
    }
    this.totalCount += count
    if (v > this.maxUs) this.maxUs = v
    if (v < this.minUs) this.minUs = v
  }

  /** addAt() for a bucket outside the range: grow it first. */
  private addOutside(flat: number, count: number): void {
    const index = this.cover(flat)
    const next = (this.counts[index] ?? 0) + count
    if (next > 0xffff) this.carry(flat, index, next)
    else this.counts[index] = next
  }

  /** Widens the range to hold `flat` (whole chunks, within the layout); returns its index. */
  private cover(flat: number): number {
    const old = this.counts
    const chunkLow = Math.floor(flat / CHUNK) * CHUNK
    const chunkHigh = Math.min(chunkLow + CHUNK, this.layout.indexCount)
    const low = old.length === 0 ? chunkLow : Math.min(this.low, chunkLow)
    const high = old.length === 0 ? chunkHigh : Math.max(this.low + old.length, chunkHigh)
    this.counts = this.regrown(old, low, high)
    if (this.high !== null) this.high = this.regrown(this.high, low, high)
    this.low = low
    return flat - low
  }

  private regrown(old: Uint16Array, low: number, high: number): Uint16Array {
    const grown = new Uint16Array(high - low)
    if (old.length > 0) grown.set(old, this.low - low)
    return grown
  }

  /** A count passed 65 535: the carry goes to the high halves, and past 2^32 to `overflow`. */
  private carry(flat: number, index: number, next: number): void {
    const carried = Math.floor(next / 0x10000)
    this.counts[index] = next - carried * 0x10000
    if (this.high === null) this.high = new Uint16Array(this.counts.length)
    const upper = (this.high[index] ?? 0) + carried
    if (upper <= 0xffff) {
      this.high[index] = upper
      return
    }
    this.high[index] = 0xffff
    if (this.overflow === null) this.overflow = new Map()
    this.overflow.set(flat, (this.overflow.get(flat) ?? 0) + (upper - 0xffff) * 0x10000)
  }

  /** Count of one bucket by position in the array (high half and what spilled past 2^32 too). */
  private countOfIndex(index: number): number {
    let count = (this.counts[index] ?? 0) + (this.high === null ? 0 : (this.high[index] ?? 0) * 0x10000)
    if (this.overflow !== null) count += this.overflow.get(this.low + index) ?? 0
    return count
  }

  /** Count stored at a bucket. */
  countAt(octave: number, slot: number): number {
    const index = this.layout.flatIndex(octave, slot) - this.low
    return index < 0 || index >= this.counts.length ? 0 : this.countOfIndex(index)
  }

  /**
   * Calls visit(flatIndex, count) for every non-zero bucket in ascending value order. Returns
   * early when visit returns true.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: visitors that never stop early return nothing (void); `true` stops the walk.
  forEachBucket(visit: (flat: number, count: number) => boolean | void): void {
    const counts = this.counts
    const spilled = this.high !== null
    for (let index = 0; index < counts.length; index++) {
      if (counts[index] === 0 && !spilled) continue
      const count = this.countOfIndex(index)
      if (count !== 0 && visit(this.low + index, count) === true) return
    }
  }

  /** Appends every non-zero bucket, ascending, to a BucketList (scrape path: no closure). */
  appendBucketsTo(list: BucketList): void {
    const counts = this.counts
    const low = this.low
    const spilled = this.high !== null
    for (let index = 0; index < counts.length; index++) {
      const count = spilled ? this.countOfIndex(index) : (counts[index] ?? 0)
      if (count !== 0) list.push(low + index, count)
    }
  }

  /**
   * Adds every bucket into a dense array indexed by flat index, and widens `touched` to the
   * non-empty range. Branch-free over the slots (an empty one adds 0; the range comes from min
   * and max): the window's live slot is ~1 000 slots with a few dozen counts at each scrape.
   */
  addBucketsTo(dense: Float64Array, touched: { min: number; max: number }): void {
    if (this.totalCount === 0) return
    const counts = this.counts
    const low = this.low
    const length = counts.length
    if (this.high !== null)
      for (let index = 0; index < length; index++)
        dense[low + index] = (dense[low + index] ?? 0) + this.countOfIndex(index)
    else
      for (let index = 0; index < length; index++) dense[low + index] = (dense[low + index] ?? 0) + (counts[index] ?? 0)
    const lowest = this.layout.flatIndexOfValue(this.minUs)
    const highest = this.layout.flatIndexOfValue(this.maxUs)
    if (lowest < touched.min) touched.min = lowest
    if (highest > touched.max) touched.max = highest
  }

  /**
   * Scrape path, one pass over the counts: HdrHistogram quantiles (µs) into outQuantiles and
   * cumulative counts at each `le` threshold (flat indexes, ascending) into outLe.
   */
  readFigures(
    quantiles: readonly number[],
    outQuantiles: Float64Array,
    thresholdFlats: Float64Array,
    outLe: Float64Array,
    addTo: Float64Array | null = null,
  ): void {
    // `addTo`: also add every bucket into this dense array in the same pass (the window's live
    // slot is this histogram minus a snapshot, so a scrape that reads both scans the slots once).
    if (this.overflow !== null) {
      if (addTo !== null) this.addBucketsTo(addTo, { min: Infinity, max: -1 })
      this.readFiguresSpilled(quantiles, outQuantiles, thresholdFlats, outLe)
      return
    }
    // The loop reads only locals and takes no branch on empty buckets: an empty bucket adds 0 and
    // can neither reach a quantile target (running did not move) nor change an `le` count. A busy
    // task's ~1 000 slots, ~45 % non-empty in no pattern, took 7 µs with a `count === 0` test
    // (mispredicted about every other slot) and field loads in the loop (bench/README.md).
    const layout = this.layout
    const counts = this.counts
    const high = this.high ?? zerosOf(counts.length)
    const low = this.low
    const length = counts.length
    const total = this.totalCount
    const quantileCount = quantiles.length
    const thresholdCount = thresholdFlats.length
    let nextQ = 0
    let target = quantileTarget(quantiles, 0, total)
    let nextLe = 0
    let threshold = thresholdCount > 0 ? (thresholdFlats[0] ?? Infinity) : Infinity
    let running = 0
    for (let index = 0; index < length; index++) {
      const flat = low + index
      // Thresholds below this bucket are complete before it is added.
      while (threshold < flat) {
        outLe[nextLe++] = running
        threshold = nextLe < thresholdCount ? (thresholdFlats[nextLe] ?? Infinity) : Infinity
      }
      const count = (counts[index] ?? 0) + (high[index] ?? 0) * 0x10000
      running += count
      if (addTo !== null) addTo[flat] = (addTo[flat] ?? 0) + count
      while (running >= target) {
        outQuantiles[nextQ++] = layout.highestOfFlat(flat)
        target = nextQ < quantileCount ? quantileTarget(quantiles, nextQ, total) : Infinity
      }
    }
    for (; nextLe < thresholdCount; nextLe++) outLe[nextLe] = running
    // Rounding left a quantile unmet, or nothing was recorded: the highest bucket, or 0.
    const highestUs = total > 0 ? layout.highestOfFlat(layout.flatIndexOfValue(this.maxUs)) : 0
    for (; nextQ < quantileCount; nextQ++) outQuantiles[nextQ] = highestUs
  }

  /** readFigures() for a histogram whose counts spilled past 2^32 in some slot (never seen). */
  private readFiguresSpilled(
    quantiles: readonly number[],
    outQuantiles: Float64Array,
    thresholdFlats: Float64Array,
    outLe: Float64Array,
  ): void {
    const layout = this.layout
    const total = this.totalCount
    let nextQ = 0
    let target = quantileTarget(quantiles, 0, total)
    let nextLe = 0
    let running = 0
    let highest = -1
    for (let index = 0; index < this.counts.length; index++) {
      const count = this.countOfIndex(index)
      if (count === 0) continue
      const flat = this.low + index
      while (nextLe < thresholdFlats.length && (thresholdFlats[nextLe] ?? 0) < flat) outLe[nextLe++] = running
      running += count
      highest = flat
      while (nextQ < quantiles.length && running >= target) {
        outQuantiles[nextQ++] = layout.highestOfFlat(flat)
        target = quantileTarget(quantiles, nextQ, total)
      }
    }
    for (; nextLe < thresholdFlats.length; nextLe++) outLe[nextLe] = running
    for (; nextQ < quantiles.length; nextQ++) outQuantiles[nextQ] = highest < 0 ? 0 : layout.highestOfFlat(highest)
  }

  /** Zeroes the counts, keeping the array and its range (a shard's histogram after each delta). */
  reset(): void {
    this.counts.fill(0)
    this.high?.fill(0)
    this.overflow = null
    this.totalCount = 0
    this.minUs = Infinity
    this.maxUs = 0
  }

  /** Drops the array (a histogram that went idle gives its memory back). */
  release(): void {
    this.counts = NO_COUNTS
    this.low = 0
    this.high = null
    this.overflow = null
    this.totalCount = 0
    this.minUs = Infinity
    this.maxUs = 0
  }

  /** The object, and each typed array with its buffer (~100 bytes of V8 objects) once allocated. */
  footprintBytes(): number {
    const counts = this.counts.length > 0 ? 100 + this.counts.byteLength : 0
    return 64 + counts + (this.high === null ? 0 : 100 + this.high.byteLength)
  }
}
