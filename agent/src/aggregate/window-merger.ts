// One dense scratch array per agent into which a task's live window slots are summed at query
// time, then read back in order into a BucketList. Only the touched range is scanned and cleared.
import type { BucketLayout } from './bucket-layout.js'
import type { BucketList } from './bucket-list.js'
import { addPackedCounts } from './compact-counts.js'
import type { LatencyHistogram } from './latency-histogram.js'

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
