// Reads a task's figures at scrape time with reusable scratch (one BucketList, one merger), so a
// scrape of 10 000 tasks allocates per task only what it returns.
import type { Aggregator } from './aggregator.js'
import { BucketList } from './bucket-list.js'
import type { LatencyHistogram } from './latency-histogram.js'
import type { WindowTotals } from './sliding-window.js'
import type { TaskStats } from './task-stats.js'
import { QUANTILES } from './quantiles.js'
import { WindowMerger } from './window-merger.js'

export { QUANTILES } from './quantiles.js'

export class TaskFigures {
  private readonly aggregator: Aggregator
  private readonly merger: WindowMerger
  /** Buckets of the last histogram or window read. */
  readonly buckets = new BucketList()
  readonly totals: WindowTotals = { requests: 0, errors: 0, sumMs: 0, coveredMs: 0 }

  constructor(aggregator: Aggregator) {
    this.aggregator = aggregator
    this.merger = new WindowMerger(aggregator.layout)
  }

  /** Loads a cumulative histogram; quantiles in µs (or milli-units) into out. */
  readHistogram(histogram: LatencyHistogram, outQuantiles: Float64Array): void {
    const buckets = this.buckets
    buckets.clear()
    histogram.appendBucketsTo(buckets)
    buckets.quantilesUs(this.aggregator.layout, QUANTILES, outQuantiles)
  }

  /** Cumulative `le` counts for thresholds as flat indexes (see BucketList), from the buckets loaded last. */
  countsAtOrBelow(thresholdFlats: Float64Array, out: Float64Array): void {
    this.buckets.countsAtOrBelow(thresholdFlats, out)
  }

  /** Loads the task's window: totals into this.totals, quantiles in µs into out. */
  readWindow(task: TaskStats, outQuantiles: Float64Array): void {
    const nowMs = this.aggregator.now()
    task.window.totals(nowMs, this.totals)
    task.window.mergeInto(nowMs, this.merger)
    this.merger.drainInto(this.buckets)
    this.buckets.quantilesUs(this.aggregator.layout, QUANTILES, outQuantiles)
  }

  /**
   * Scrape path: the task's window totals into this.totals and its quantiles (µs) into out,
   * without a bucket list. Returns the window's max (µs, bucket-equivalent), 0 when empty.
   */
  readWindowQuantiles(task: TaskStats, outQuantiles: Float64Array, cumulativeAdded = false): number {
    const nowMs = this.aggregator.now()
    task.window.totals(nowMs, this.totals)
    task.window.mergeInto(nowMs, this.merger, cumulativeAdded)
    const highest = this.merger.drainQuantiles(this.aggregator.layout, QUANTILES, this.totals.requests, outQuantiles)
    return highest < 0 ? 0 : this.aggregator.layout.highestOfFlat(highest)
  }

  /**
   * Scrape path for both readings of a task: the cumulative histogram's quantiles and `le` counts
   * (readFigures) and the window's (readWindowQuantiles, into outWindow), scanning the cumulative
   * histogram once: the window's live slot is derived from it. Returns the window's max (µs).
   */
  readTaskFigures(
    task: TaskStats,
    thresholdFlats: Float64Array,
    outLe: Float64Array,
    outCumulative: Float64Array,
    outWindow: Float64Array,
  ): number {
    const live = task.window.hasLiveSlot(this.aggregator.now())
    task.histogram.readFigures(QUANTILES, outCumulative, thresholdFlats, outLe, live ? this.merger.scratch : null)
    return this.readWindowQuantiles(task, outWindow, live)
  }

  /** Max value (µs) of the window loaded last; 0 when empty. */
  windowMaxUs(): number {
    const buckets = this.buckets
    return buckets.length === 0 ? 0 : this.aggregator.layout.highestOfFlat(buckets.flats[buckets.length - 1] ?? 0)
  }

  /** requests_per_second: requests in the window ÷ min(window covered, seconds since start). */
  windowRate(): number {
    const seconds = Math.min(this.totals.coveredMs / 1000, this.aggregator.uptimeSeconds())
    return seconds > 0 ? this.totals.requests / seconds : 0
  }
}
