// A --workers shard's side of the merge: everything its aggregator took in since the
// previous collect, written as bytes (delta-bytes.ts), after which the shard forgets it. Counts
// travel as deltas, so the primary adds them exactly: histogram buckets add, window slots add per
// epoch, counters add, task starts and ends add. Gauges travel as their history since the last
// collect (last absolute set, relative changes after it) and sets as their members with the sub-
// window they were last seen in; shard-merge.ts says how those combine. In-flight reports travel
// whole (they are state, not counts): per (client, task) the newest sequence wins.
import type { Aggregator } from '../aggregate/aggregator.js'
import { packCounts } from '../aggregate/compact-counts.js'
import type { CustomKind, CustomSeries } from '../aggregate/custom-series.js'
import type { LabelPairs } from '../aggregate/labels.js'
import { SLOT_COUNT } from '../aggregate/sliding-window.js'
import type { TaskStats } from '../aggregate/task-stats.js'
import { DELTA_MAGIC, type DeltaWriter } from './delta-bytes.js'

export const CUSTOM_KIND_CODES: readonly CustomKind[] = ['counter', 'gauge', 'histogram', 'set']

function writeLabels(writer: DeltaWriter, labels: LabelPairs): void {
  writer.u32(labels.length)
  for (let i = 0; i < labels.length; i++) {
    const pair = labels[i] as readonly [string, string]
    writer.str(pair[0])
    writer.str(pair[1])
  }
}

function taskHasNews(task: TaskStats): boolean {
  return task.histogram.totalCount > 0 || task.startEvents > 0 || task.endEvents > 0
}

export class ShardDeltaWriter {
  private readonly aggregator: Aggregator
  /** Custom series the primary has not been told of yet (a counter of 0 still exists). */
  private readonly announced = new WeakSet<CustomSeries>()
  private readonly slotScratch: number[] = []
  private readonly packedScratch: Uint8Array[] = []

  constructor(aggregator: Aggregator) {
    this.aggregator = aggregator
  }

  /** Writes the delta after `stats` (shard-stats.ts) and resets what it wrote. */
  write(writer: DeltaWriter, stats: Float64Array): void {
    const aggregator = this.aggregator
    const nowMs = aggregator.now()
    writer.reset()
    writer.u8(DELTA_MAGIC)
    writer.u32(stats.length)
    for (let i = 0; i < stats.length; i++) writer.f64(stats[i] ?? 0)

    let count = 0
    for (const task of aggregator.tasks.values()) if (taskHasNews(task)) count++
    writer.u32(count)
    for (const task of aggregator.tasks.values()) if (taskHasNews(task)) this.writeTask(writer, task, nowMs)

    count = 0
    for (const series of aggregator.custom.values()) if (this.seriesHasNews(series)) count++
    writer.u32(count)
    for (const series of aggregator.custom.values())
      if (this.seriesHasNews(series)) this.writeSeries(writer, series, nowMs)

    const clients = [...aggregator.inflight.liveClients(nowMs)]
    writer.u32(clients.length)
    for (const client of clients) {
      writer.str(client.clientId)
      writer.f64(client.lastSeenMs)
      writer.f64(client.flushIntervalMs)
      writer.f64(client.sequence)
      writer.u32(client.entries.size)
      for (const [task, entry] of client.entries) {
        writer.str(task.id)
        writer.str(task.name)
        writeLabels(writer, task.labels)
        writer.f64(entry.count)
        writer.f64(entry.sequence)
      }
    }
  }

  private writeTask(writer: DeltaWriter, task: TaskStats, nowMs: number): void {
    const histogram = task.histogram
    writer.str(task.id)
    writer.str(task.name)
    writeLabels(writer, task.labels)
    writer.f64(histogram.totalCount)
    writer.f64(histogram.minUs)
    writer.f64(histogram.maxUs)
    writer.bytes(histogram.totalCount > 0 ? packCounts(histogram) : new Uint8Array(0))
    writer.f64(task.sumMs)
    writer.f64(task.success)
    writer.f64(task.errors)
    writer.f64(task.startEvents)
    writer.f64(task.endEvents)
    writer.f64(task.lastUpdateMs)
    const slots = this.slotScratch
    const packed = this.packedScratch
    slots.length = 0
    packed.length = 0
    task.window.takeSlots(nowMs, (epoch, requests, errors, sumMs, bytes) => {
      slots.push(epoch, requests, errors, sumMs)
      packed.push(bytes)
    })
    writer.u32(packed.length)
    for (let i = 0; i < packed.length; i++) {
      for (let k = 0; k < 4; k++) writer.f64(slots[i * 4 + k] ?? 0)
      writer.bytes(packed[i] as Uint8Array)
    }
    histogram.reset()
    task.sumMs = 0
    task.success = 0
    task.errors = 0
    task.startEvents = 0
    task.endEvents = 0
  }

  private seriesHasNews(series: CustomSeries): boolean {
    if (!this.announced.has(series)) return true
    switch (series.kind) {
      case 'counter':
        return series.value !== 0
      case 'gauge':
        return series.gaugeSetMs !== -Infinity || series.gaugeFirstDeltaMs !== Infinity
      case 'histogram':
        return series.histogram !== null && series.histogram.totalCount > 0
      case 'set':
        return true
    }
  }

  private writeSeries(writer: DeltaWriter, series: CustomSeries, nowMs: number): void {
    this.announced.add(series)
    writer.u8(CUSTOM_KIND_CODES.indexOf(series.kind))
    writer.str(series.id)
    writer.str(series.name)
    writeLabels(writer, series.labels)
    writer.f64(series.lastUpdateMs)
    writer.f64(series.eventsSinceMerge)
    series.eventsSinceMerge = 0
    if (series.kind === 'counter') {
      writer.f64(series.value)
      series.value = 0
    } else if (series.kind === 'gauge') {
      writer.f64(series.gaugeSetMs)
      writer.f64(series.gaugeSetValue)
      writer.f64(series.gaugeDeltaSum)
      writer.f64(series.gaugeFirstDeltaMs)
      writer.f64(series.gaugeLastDeltaMs)
      series.resetGaugeHistory()
    } else if (series.histogram !== null) {
      const histogram = series.histogram
      writer.f64(histogram.totalCount)
      writer.f64(histogram.minUs)
      writer.f64(histogram.maxUs)
      writer.bytes(histogram.totalCount > 0 ? packCounts(histogram) : new Uint8Array(0))
      writer.f64(series.sum)
      histogram.reset()
      series.sum = 0
    } else if (series.members !== null) {
      const hashes: number[] = []
      const epoch = Math.floor(nowMs / ((this.aggregator.windowSeconds * 1000) / SLOT_COUNT))
      series.members.forEachLive(epoch, SLOT_COUNT, (hash, seen) => hashes.push(hash, seen))
      writer.u32(hashes.length / 2)
      for (let i = 0; i < hashes.length; i++) writer.f64(hashes[i] ?? 0)
      series.members.clear()
    }
  }
}
