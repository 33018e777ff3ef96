// One dense scratch array per agent into which a task's live window slots are summed at query
// time, then read back in order into a BucketList. Only the touched range is scanned and cleared.
import type { BucketLayout } from './bucket-layout.js'
import type { BucketList } from './bucket-list.js'
import { addPackedCounts } from './compact-counts.js'
import type { LatencyHistogram } from './latency-histogram.js'
import { quantileTarget } from './quantile-rule.js'

export class WindowMerger {
  private readonly dense: Float64Array
  private readonly touched = { min: Infinity, max: -1 }

  constructor(layout: BucketLayout) {
    this.dense = new Float64Array(layout.indexCount)
  }

  addPacked(packed: Uint8Array): void {
    addPackedCounts(packed, this.dense, this.touched)
  }

  addHistogram(histogram: LatencyHistogram): void {
    histogram.addBucketsTo(this.dense, this.touched)
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
    const max = this.touched.max
    // No branch on empty buckets (they add 0 and cannot reach a target): see readFigures.
    for (let flat = min; flat <= max; flat++) {
      running += dense[flat] as number
      dense[flat] = 0
      while (running >= target) {
        out[next++] = layout.highestOfFlat(flat)
        target = next < quantileCount ? quantileTarget(quantiles, next, total) : Infinity
      }
    }
    // touched.max is the highest non-empty bucket (every source widens it only for counts).
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
      const count = dense[flat] as number
      if (count !== 0) {
        out.push(flat, count)
        dense[flat] = 0
      }
    }
    this.touched.min = Infinity
    this.touched.max = -1
  }
}
