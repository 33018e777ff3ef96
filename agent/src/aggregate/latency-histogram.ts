// Cumulative HdrHistogram of durations in µs, with HdrHistogram's bucket layout and percentile
// rule, but octave arrays allocated on first use. Measured on this machine (2M lognormal values,
// precision 2, range 1 µs..1 h): hdr-histogram-js JS Int32 119 ns/record and 14 KB; WASM Int32
// 28 ns/record, 13 KB of linear memory and a destroy() to call; WASM packed 265 ns/record.
// A busy task touches 6–8 octaves (3–4 KB here), and recording is an index and an increment.
// hdr-histogram-js remains the oracle: latency-histogram.test.ts compares percentiles exactly.
import { type BucketLayout, MAX_TRACKABLE_US } from './bucket-layout.js'
import type { BucketList } from './bucket-list.js'
import { quantileTarget } from './quantile-rule.js'

export class LatencyHistogram {
  readonly layout: BucketLayout
  private readonly octaves: Array<Uint32Array | null>
  /** Counts past 2^32 in one slot spill here (flat index → extra count). Never seen in practice. */
  private overflow: Map<number, number> | null
  totalCount: number
  minUs: number
  maxUs: number

  constructor(layout: BucketLayout) {
    this.layout = layout
    this.octaves = new Array<Uint32Array | null>(layout.octaveCount).fill(null)
    this.overflow = null
    this.totalCount = 0
    this.minUs = Infinity
    this.maxUs = 0
  }

  record(valueUs: number): void {
    const layout = this.layout
    const v = valueUs > MAX_TRACKABLE_US ? MAX_TRACKABLE_US : valueUs < 0 ? 0 : valueUs
    const octave = layout.octaveOf(v)
    let counts = this.octaves[octave]
    if (counts === null || counts === undefined) {
      counts = new Uint32Array(layout.octaveLength(octave))
      this.octaves[octave] = counts
    }
    const slot = layout.slotOf(v, octave)
    const next = (counts[slot] ?? 0) + 1
    if (next > 0xffffffff) this.spill(layout.flatIndex(octave, slot), counts, slot, 1)
    else counts[slot] = next
    this.totalCount++
    if (v > this.maxUs) this.maxUs = v
    if (v < this.minUs) this.minUs = v
  }

  /** Records `count` (a positive integer) equal values: sampled timings weigh 1/sampleRate. */
  recordCount(valueUs: number, count: number): void {
    const v = valueUs > MAX_TRACKABLE_US ? MAX_TRACKABLE_US : valueUs < 0 ? 0 : valueUs
    const octave = this.layout.octaveOf(v)
    this.addAt(octave, this.layout.slotOf(v, octave), v, count)
  }

  /**
   * Adds `count` at a bucket the caller already located (octave, slot of the clamped value v):
   * a request lands in the cumulative histogram and its window slot, and locating it once for
   * both saves a log2 and a shift per event.
   */
  addAt(octave: number, slot: number, v: number, count: number): void {
    let counts = this.octaves[octave]
    if (counts === null || counts === undefined) {
      counts = new Uint32Array(this.layout.octaveLength(octave))
      this.octaves[octave] = counts
    }
    const next = (counts[slot] ?? 0) + count
    if (next > 0xffffffff) this.spill(this.layout.flatIndex(octave, slot), counts, slot, count)
    else counts[slot] = next
    this.totalCount += count
    if (v > this.maxUs) this.maxUs = v
    if (v < this.minUs) this.minUs = v
  }

  private spill(flat: number, counts: Uint32Array, slot: number, count: number): void {
    if (this.overflow === null) this.overflow = new Map()
    const total = (counts[slot] ?? 0) + count + (this.overflow.get(flat) ?? 0)
    counts[slot] = total % 0x100000000
    this.overflow.set(flat, total - counts[slot])
  }

  /** Count stored at a flat index. */
  countAt(octave: number, slot: number): number {
    const counts = this.octaves[octave]
    if (counts === null || counts === undefined) return 0
    const base = counts[slot] ?? 0
    return this.overflow === null ? base : base + (this.overflow.get(this.layout.flatIndex(octave, slot)) ?? 0)
  }

  /**
   * Calls visit(flatIndex, count) for every non-zero bucket in ascending value order. Returns
   * early when visit returns true.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: visitors that never stop early return nothing (void); `true` stops the walk.
  forEachBucket(visit: (flat: number, count: number) => boolean | void): void {
    const layout = this.layout
    for (let octave = 0; octave < this.octaves.length; octave++) {
      const counts = this.octaves[octave]
      if (counts === null || counts === undefined) continue
      for (let slot = 0; slot < counts.length; slot++) {
        if (counts[slot] === 0 && this.overflow === null) continue
        const count = this.countAt(octave, slot)
        if (count !== 0 && visit(layout.flatIndex(octave, slot), count) === true) return
      }
    }
  }

  /** Appends every non-zero bucket, ascending, to a BucketList (scrape path: no closure). */
  appendBucketsTo(list: BucketList): void {
    const layout = this.layout
    for (let octave = 0; octave < this.octaves.length; octave++) {
      const counts = this.octaves[octave]
      if (counts === null || counts === undefined) continue
      const base = layout.flatIndex(octave, 0)
      for (let slot = 0; slot < counts.length; slot++) {
        const count = counts[slot] ?? 0
        if (count !== 0) list.push(base + slot, this.overflow === null ? count : this.countAt(octave, slot))
        else if (this.overflow !== null && this.countAt(octave, slot) !== 0)
          list.push(base + slot, this.countAt(octave, slot))
      }
    }
  }

  /**
   * Adds every bucket into a dense array indexed by flat index, and widens `touched` to the
   * non-empty range. Branch-free over the slots (an empty one adds 0; the range comes from min
   * and max): the window's live slot is ~1 000 slots with a few dozen counts at each scrape.
   */
  addBucketsTo(dense: Float64Array, touched: { min: number; max: number }): void {
    if (this.totalCount === 0) return
    const layout = this.layout
    const octaves = this.octaves
    const spilled = this.overflow !== null
    for (let octave = 0; octave < octaves.length; octave++) {
      const counts = octaves[octave]
      if (counts === null || counts === undefined) continue
      const base = layout.flatIndex(octave, 0)
      const length = counts.length
      if (spilled)
        for (let slot = 0; slot < length; slot++)
          dense[base + slot] = (dense[base + slot] ?? 0) + this.countAt(octave, slot)
      else
        for (let slot = 0; slot < length; slot++) dense[base + slot] = (dense[base + slot] ?? 0) + (counts[slot] ?? 0)
    }
    const low = layout.flatIndexOfValue(this.minUs)
    const high = layout.flatIndexOfValue(this.maxUs)
    if (low < touched.min) touched.min = low
    if (high > touched.max) touched.max = high
  }

  /**
   * Scrape path, one pass over the octave arrays: HdrHistogram quantiles (µs) into outQuantiles
   * and cumulative counts at each `le` threshold (flat indexes, ascending) into outLe.
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
    const octaves = this.octaves
    const octaveCount = octaves.length
    const total = this.totalCount
    const quantileCount = quantiles.length
    const thresholdCount = thresholdFlats.length
    let nextQ = 0
    let target = quantileTarget(quantiles, 0, total)
    let nextLe = 0
    let threshold = thresholdCount > 0 ? (thresholdFlats[0] ?? Infinity) : Infinity
    let running = 0
    for (let octave = 0; octave < octaveCount; octave++) {
      const counts = octaves[octave]
      if (counts === null || counts === undefined) continue
      const base = layout.flatIndex(octave, 0)
      const length = counts.length
      for (let slot = 0; slot < length; slot++) {
        const flat = base + slot
        // Thresholds below this bucket are complete before it is added.
        while (threshold < flat) {
          outLe[nextLe++] = running
          threshold = nextLe < thresholdCount ? (thresholdFlats[nextLe] ?? Infinity) : Infinity
        }
        const count = counts[slot] ?? 0
        running += count
        if (addTo !== null) addTo[flat] = (addTo[flat] ?? 0) + count
        while (running >= target) {
          outQuantiles[nextQ++] = layout.highestOfFlat(flat)
          target = nextQ < quantileCount ? quantileTarget(quantiles, nextQ, total) : Infinity
        }
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
    for (let octave = 0; octave < this.octaves.length; octave++) {
      const counts = this.octaves[octave]
      if (counts === null || counts === undefined) continue
      for (let slot = 0; slot < counts.length; slot++) {
        const count = this.countAt(octave, slot)
        if (count === 0) continue
        const flat = layout.flatIndex(octave, slot)
        while (nextLe < thresholdFlats.length && (thresholdFlats[nextLe] ?? 0) < flat) outLe[nextLe++] = running
        running += count
        highest = flat
        while (nextQ < quantiles.length && running >= target) {
          outQuantiles[nextQ++] = layout.highestOfFlat(flat)
          target = quantileTarget(quantiles, nextQ, total)
        }
      }
    }
    for (; nextLe < thresholdFlats.length; nextLe++) outLe[nextLe] = running
    for (; nextQ < quantiles.length; nextQ++) outQuantiles[nextQ] = highest < 0 ? 0 : layout.highestOfFlat(highest)
  }

  /** Zeroes the counts, keeping arrays of octaves that were used (a window slot is reused). */
  reset(): void {
    for (let octave = 0; octave < this.octaves.length; octave++) this.octaves[octave]?.fill(0)
    this.overflow = null
    this.totalCount = 0
    this.minUs = Infinity
    this.maxUs = 0
  }

  /** Drops every octave array (an idle window slot gives its memory back). */
  release(): void {
    this.octaves.fill(null)
    this.overflow = null
    this.totalCount = 0
    this.minUs = Infinity
    this.maxUs = 0
  }

  footprintBytes(): number {
    let bytes = 64 + this.octaves.length * 8
    for (let octave = 0; octave < this.octaves.length; octave++) {
      const counts = this.octaves[octave]
      if (counts !== null && counts !== undefined) bytes += counts.byteLength + 64
    }
    return bytes
  }
}
