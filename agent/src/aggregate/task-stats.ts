// Everything the agent knows about one task (one name + tag set): the cumulative latency
// histogram, exact sum, success/error totals, the sliding window, and the start/end balance of
// clients that send no in-flight reports. A plain record: Aggregator owns the rules.
import type { BucketLayout } from './bucket-layout.js'
import type { LabelPairs } from './labels.js'
import { LatencyHistogram } from './latency-histogram.js'
import { SlidingWindow } from './sliding-window.js'

export class TaskStats {
  readonly name: string
  readonly labels: LabelPairs
  /** /dashboard key: the name, or name{k="v",…} for a tagged task. */
  readonly id: string
  readonly histogram: LatencyHistogram
  readonly window: SlidingWindow
  sumMs: number
  success: number
  errors: number
  /** task_start − task_end from clients without in-flight reports, floored at 0. */
  startBalance: number
  /** Raw task_start and task_end counts since the last worker merge (--workers). */
  startEvents: number
  endEvents: number
  /** Sum of live in-flight report entries, recomputed by the aggregator before it is read. */
  reportedActive: number
  lastUpdateMs: number

  constructor(
    name: string,
    labels: LabelPairs,
    id: string,
    layout: BucketLayout,
    windowSeconds: number,
    nowMs: number,
  ) {
    this.name = name
    this.labels = labels
    this.id = id
    this.histogram = new LatencyHistogram(layout)
    this.window = new SlidingWindow(layout, windowSeconds, this.histogram)
    this.sumMs = 0
    this.success = 0
    this.errors = 0
    this.startBalance = 0
    this.startEvents = 0
    this.endEvents = 0
    this.reportedActive = 0
    this.lastUpdateMs = nowMs
  }

  get completed(): number {
    return this.success + this.errors
  }

  get active(): number {
    return this.startBalance + this.reportedActive
  }

  footprintBytes(): number {
    return 200 + this.histogram.footprintBytes() + this.window.footprintBytes()
  }
}
