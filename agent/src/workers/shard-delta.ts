// A --workers shard's side of the merge: everything its aggregator took in since the previous
// collect, in one frame (delta-bytes.ts), after which the shard forgets it. What each task, series
// and the in-flight registry write, and how the primary applies it, is beside each type in
// aggregate/ (task-stats.ts, custom-series.ts, inflight-registry.ts). Kept here: what this shard
// has told the primary already, and the frame.
import type { Aggregator } from '../aggregate/aggregator.js'
import type { CustomSeries } from '../aggregate/custom-series.js'
import type { DeltaSink, DeltaWriter } from '../aggregate/delta-bytes.js'
import { SLOT_COUNT } from '../aggregate/sliding-window.js'
import { writeFrameHeader } from './delta-bytes.js'

export class ShardDeltaWriter {
  private readonly aggregator: Aggregator
  /** Custom series the primary has been told of (a counter of 0 still exists, so a new one is sent). */
  private readonly announced = new WeakSet<CustomSeries>()

  constructor(aggregator: Aggregator) {
    this.aggregator = aggregator
  }

  /** Writes the delta into the reused `writer`, and resets what it wrote. */
  write(writer: DeltaWriter): void {
    writer.reset()
    this.writeTo(writer)
  }

  /** write() into any sink (the delta benchmark compares the bytes with other encodings). */
  writeTo(sink: DeltaSink): void {
    const aggregator = this.aggregator
    const nowMs = aggregator.now()
    writeFrameHeader(sink)

    let count = 0
    for (const task of aggregator.tasks.values()) if (task.hasDelta) count++
    sink.u32(count)
    for (const task of aggregator.tasks.values()) if (task.hasDelta) task.takeDelta(sink, nowMs)

    count = 0
    for (const series of aggregator.custom.values()) if (this.hasNews(series)) count++
    sink.u32(count)
    const setEpoch = Math.floor(nowMs / ((aggregator.windowSeconds * 1000) / SLOT_COUNT))
    for (const series of aggregator.custom.values()) {
      if (!this.hasNews(series)) continue
      this.announced.add(series)
      series.takeDelta(sink, setEpoch)
    }

    aggregator.inflight.writeDelta(sink, nowMs)
  }

  private hasNews(series: CustomSeries): boolean {
    return !this.announced.has(series) || series.hasDelta
  }
}
