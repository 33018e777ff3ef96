// One dense scratch array per agent into which a task's live window slots are summed at query
// time, then read back in order into a BucketList. Only the touched range is scanned and cleared.
import type { BucketLayout } from './bucket-layout.js'
import type { BucketList } from './bucket-list.js'
import { addPackedCounts, subtractPackedCounts } from './compact-counts.js'
import type { LatencyHistogram } from './latency-histogram.js'
import { quantileTarget } from './quantile-rule.js'

export class WindowMerger {
  private readonly dense: Float64Array
  private readonly touched = { min: Infinity, max: -1 }

  constructor(layout: BucketLayout) {
    this.dense = new Float64Array(layout.indexCount)
  }

  /** Adds the packed list bytes[start, end) (a closed slot in the window's arena). */
  addPacked(bytes: Uint8Array, start: number, end: number): void {
    addPackedCounts(bytes, start, end, this.dense, this.touched)
  }

  /**
   * The live slot: the cumulative histogram minus its packed snapshot from when the slot opened
   * (bytes[start, end); empty: the histogram was empty then). `alreadyAdded`: the caller's
   * readFigures() added the cumulative buckets (addTo = this.dense).
   */
  addLiveSlot(
    cumulative: LatencyHistogram,
    bytes: Uint8Array,
    start: number,
    end: number,
    alreadyAdded: boolean,
  ): void {
    if (alreadyAdded) this.widen(cumulative)
    else cumulative.addBucketsTo(this.dense, this.touched)
    if (start < end) subtractPackedCounts(bytes, start, end, this.dense)
  }

  /** The array readFigures() may add a cumulative histogram into (see addLiveSlot). */
  get scratch(): Float64Array {
    return this.dense
  }

  private widen(cumulative: LatencyHistogram): void {
    if (cumulative.totalCount === 0) return
    const layout = cumulative.layout
    const low = layout.flatIndexOfValue(cumulative.minUs)
    const high = layout.flatIndexOfValue(cumulative.maxUs)
    if (low < this.touched.min) this.touched.min = low
    if (high > this.touched.max) this.touched.max = high
  }

  /**
   * Scrape path: HdrHistogram quantiles (see BucketList.quantilesUs) straight from the dense sums,
   * clearing them on the way, without building a bucket list. `total` is the sum of what was
   * added (the window's request count). Returns the highest non-empty flat index, or −1.
   */
  drainQuantiles(layout: BucketLayout, quantiles: readonly number[], total: number, out: Float64Array): number {
    const dense = this.dense
    const quantileCount = quantiles.length
    let next = 0
    let target = quantileTarget(quantiles, 0, total)
    let running = 0
    const min = this.touched.min
    let max = this.touched.max
    // The live slot widens the range to the cumulative histogram's: trim the empty top, so that
    // `max` is the highest non-empty bucket (empty ones there are exactly 0, nothing to clear).
    while (max >= min && dense[max] === 0) max--
    // No branch on empty buckets (they add 0 and cannot reach a target): see readFigures.
    for (let flat = min; flat <= max; flat++) {
      running += dense[flat] ?? 0
      dense[flat] = 0
      while (running >= target) {
        out[next++] = layout.highestOfFlat(flat)
        target = next < quantileCount ? quantileTarget(quantiles, next, total) : Infinity
      }
    }
    const highest = running > 0 ? max : -1
    // Rounding left a quantile unmet, or the window is empty: the highest bucket, or 0.
    for (; next < quantileCount; next++) out[next] = highest < 0 ? 0 : layout.highestOfFlat(highest)
    this.touched.min = Infinity
    this.touched.max = -1
    return highest
  }

  /** Moves the merged counts into `out` (cleared first) and clears the scratch. */
  drainInto(out: BucketList): void {
    out.clear()
    const dense = this.dense
    for (let flat = this.touched.min; flat <= this.touched.max; flat++) {
      const count = dense[flat] ?? 0
      if (count !== 0) {
        out.push(flat, count)
        dense[flat] = 0
      }
    }
    this.touched.min = Infinity
    this.touched.max = -1
  }
}
