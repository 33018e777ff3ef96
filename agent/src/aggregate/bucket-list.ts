// A reusable, ascending list of (flat bucket index, count): what percentiles and `le` buckets are
// computed from, whether it came from a cumulative histogram or from merged window slots. One
// instance is reused for every task of a scrape, so rendering allocates nothing per task.
import type { BucketLayout } from './bucket-layout.js'
import { quantileTarget } from './quantile-rule.js'

export class BucketList {
  flats: Float64Array
  counts: Float64Array
  length: number
  total: number

  constructor(capacity = 256) {
    this.flats = new Float64Array(capacity)
    this.counts = new Float64Array(capacity)
    this.length = 0
    this.total = 0
  }

  clear(): void {
    this.length = 0
    this.total = 0
  }

  push(flat: number, count: number): void {
    if (this.length === this.flats.length) {
      const flats = new Float64Array(this.length * 2)
      const counts = new Float64Array(this.length * 2)
      flats.set(this.flats)
      counts.set(this.counts)
      this.flats = flats
      this.counts = counts
    }
    this.flats[this.length] = flat
    this.counts[this.length] = count
    this.length++
    this.total += count
  }

  /**
   * HdrHistogram's percentile rule: the highest value equivalent to the bucket where the running
   * count first reaches max(1, ceil(q · total − 1 ulp)) (the ulp absorbs float error, as in
   * HdrHistogram). Writes µs into out[i] for quantiles[i] (ascending); 0 when empty.
   */
  quantilesUs(layout: BucketLayout, quantiles: readonly number[], out: Float64Array): void {
    let bucket = 0
    let running = 0
    for (let i = 0; i < quantiles.length; i++) {
      if (this.length === 0) {
        out[i] = 0
        continue
      }
      const target = quantileTarget(quantiles, i, this.total)
      while (bucket < this.length - 1 && running + (this.counts[bucket] ?? 0) < target) {
        running += this.counts[bucket] ?? 0
        bucket++
      }
      out[i] = layout.highestOfFlat(this.flats[bucket] ?? 0)
    }
  }

  /**
   * Cumulative counts at each `le` threshold, given as the flat index of the bucket holding the
   * threshold (BucketLayout.flatIndexOfValue, ascending). A bucket counts toward a threshold when
   * its lowest equivalent value is ≤ the threshold, i.e. when its flat index is ≤ the threshold's:
   * exact for values on a bucket boundary (5 ms at le=0.005), within the precision otherwise.
   */
  countsAtOrBelow(thresholdFlats: Float64Array, out: Float64Array): void {
    let bucket = 0
    let running = 0
    for (let i = 0; i < thresholdFlats.length; i++) {
      const threshold = thresholdFlats[i] ?? 0
      while (bucket < this.length && (this.flats[bucket] ?? 0) <= threshold) {
        running += this.counts[bucket] ?? 0
        bucket++
      }
      out[i] = running
    }
  }
}
