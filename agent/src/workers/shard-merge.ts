// The primary's side of --workers: adds the shards' deltas (shard-delta.ts) into one
// Aggregator, so /metrics, /dashboard and /report read exactly what one process would hold.
// - Histogram buckets, window slots (per epoch; the shards share the primary's clock), request
//   counts, sums and counters add. Task starts and ends add; the balance is floored at 0 after
//   each merge (one process floors after each event).
// - Gauges: the latest absolute set across workers wins (by arrival time); relative changes
//   (+n/-n) add on top when they arrived after it. A worker whose changes straddle the winning set
//   (some before, some after) has them all added: the one case not exact, as the order within
//   a worker's interval is not kept.
// - Sets: the union of members, each with the latest sub-window it was seen in.
// - In-flight reports: per (client, task) the entry with the newest sequence wins.
// - Type conflicts and the series cap apply again here, and count here.
import type { Aggregator } from '../aggregate/aggregator.js'
import { addPackedToHistogram } from '../aggregate/compact-counts.js'
import type { CustomSeries } from '../aggregate/custom-series.js'
import { SLOT_COUNT } from '../aggregate/sliding-window.js'
import type { TaskStats } from '../aggregate/task-stats.js'
import { DELTA_MAGIC, DeltaReader } from './delta-bytes.js'
import { CUSTOM_KIND_CODES } from './shard-delta.js'

interface GaugeNews {
  series: CustomSeries
  setMs: number
  setValue: number
  deltaSum: number
  lastDeltaMs: number
}

function readLabels(reader: DeltaReader): Array<[string, string]> {
  const count = reader.u32()
  const labels: Array<[string, string]> = []
  for (let i = 0; i < count; i++) labels.push([reader.str(), reader.str()])
  return labels
}

function copy(view: Uint8Array): Uint8Array {
  return Uint8Array.prototype.slice.call(view)
}

export class ShardMerger {
  private readonly aggregator: Aggregator
  /** One merge round's gauge news, resolved together in endRound(). */
  private gauges: GaugeNews[] = []

  constructor(aggregator: Aggregator) {
    this.aggregator = aggregator
  }

  private task(id: string, name: string, labels: Array<[string, string]>): TaskStats | null {
    return this.aggregator.tasks.get(id) ?? this.aggregator.task(name, labels)
  }

  /** Adds one delta; returns the worker's stats vector (shard-stats.ts), or null for bad bytes. */
  add(bytes: Uint8Array): Float64Array | null {
    const reader = new DeltaReader(bytes)
    if (reader.u8() !== DELTA_MAGIC) return null
    const stats = new Float64Array(reader.u32())
    for (let i = 0; i < stats.length; i++) stats[i] = reader.f64()
    const taskCount = reader.u32()
    for (let t = 0; t < taskCount; t++) this.addTask(reader)
    const seriesCount = reader.u32()
    for (let s = 0; s < seriesCount; s++) this.addSeries(reader)
    const clientCount = reader.u32()
    const inflight = this.aggregator.inflight
    for (let c = 0; c < clientCount; c++) {
      const client = inflight.mergeClient(reader.str(), reader.f64(), reader.f64(), reader.f64())
      const entries = reader.u32()
      for (let e = 0; e < entries; e++) {
        const task = this.task(reader.str(), reader.str(), readLabels(reader))
        const count = reader.f64()
        const sequence = reader.f64()
        if (client !== null && task !== null) inflight.mergeEntry(client, task, count, sequence)
      }
    }
    return stats
  }

  private addTask(reader: DeltaReader): void {
    const task = this.task(reader.str(), reader.str(), readLabels(reader))
    const count = reader.f64()
    const minUs = reader.f64()
    const maxUs = reader.f64()
    const packed = reader.bytesView()
    const sumMs = reader.f64()
    const success = reader.f64()
    const errors = reader.f64()
    const starts = reader.f64()
    const ends = reader.f64()
    const lastUpdateMs = reader.f64()
    const slots = reader.u32()
    for (let i = 0; i < slots; i++) {
      const epoch = reader.f64()
      const requests = reader.f64()
      const slotErrors = reader.f64()
      const slotSumMs = reader.f64()
      const slotPacked = reader.bytesView()
      task?.window.mergeSlot(epoch, requests, slotErrors, slotSumMs, copy(slotPacked))
    }
    if (task === null) return
    if (count > 0) addPackedToHistogram(task.histogram, packed, minUs, maxUs)
    task.sumMs += sumMs
    task.success += success
    task.errors += errors
    task.startBalance = Math.max(0, task.startBalance + starts - ends)
    if (lastUpdateMs > task.lastUpdateMs) task.lastUpdateMs = lastUpdateMs
  }

  private addSeries(reader: DeltaReader): void {
    const kind = CUSTOM_KIND_CODES[reader.u8()] ?? 'counter'
    const id = reader.str()
    const name = reader.str()
    const labels = readLabels(reader)
    const lastUpdateMs = reader.f64()
    // Two workers may see one name as two kinds: the one the primary saw first keeps it, and the
    // other's events are counted under the refusal (type_conflict), not lost silently.
    const events = reader.f64()
    const known = this.aggregator.custom.get(id)
    const series =
      known !== undefined && known.kind === kind ? known : this.aggregator.series(kind, name, labels, events)
    if (series !== null && lastUpdateMs > series.lastUpdateMs) series.lastUpdateMs = lastUpdateMs
    if (kind === 'counter') {
      const value = reader.f64()
      if (series !== null) series.value += value
    } else if (kind === 'gauge') {
      const setMs = reader.f64()
      const setValue = reader.f64()
      const deltaSum = reader.f64()
      reader.f64() // first relative change: kept on the wire, the rule below needs only the last
      const lastDeltaMs = reader.f64()
      if (series !== null) this.gauges.push({ series, setMs, setValue, deltaSum, lastDeltaMs })
    } else if (kind === 'histogram') {
      const count = reader.f64()
      const minUs = reader.f64()
      const maxUs = reader.f64()
      const packed = reader.bytesView()
      const sum = reader.f64()
      if (series === null || series.histogram === null) return
      if (count > 0) addPackedToHistogram(series.histogram, packed, minUs, maxUs)
      series.sum += sum
    } else {
      const members = reader.u32()
      for (let i = 0; i < members; i++) {
        const hash = reader.f64()
        const epoch = reader.f64()
        if (series?.members !== null && series?.members !== undefined && !series.members.add(hash, epoch, SLOT_COUNT))
          this.aggregator.drops.add('set_members_cap')
      }
    }
  }

  /** Resolves the round's gauges (every worker's delta of one collect has been added). */
  endRound(): void {
    const bySeries = new Map<CustomSeries, GaugeNews[]>()
    for (const news of this.gauges) {
      const list = bySeries.get(news.series)
      if (list === undefined) bySeries.set(news.series, [news])
      else list.push(news)
    }
    this.gauges = []
    for (const [series, list] of bySeries) {
      let latest: GaugeNews | null = null
      for (const news of list)
        if (news.setMs !== -Infinity && (latest === null || news.setMs > latest.setMs)) latest = news
      if (latest === null) {
        for (const news of list) series.value += news.deltaSum
        continue
      }
      let value = latest.setValue
      for (const news of list) if (news === latest || news.lastDeltaMs >= latest.setMs) value += news.deltaSum
      series.value = value
    }
  }
}
