// The primary's side of --workers: adds the shards' deltas (shard-delta.ts) into one
// Aggregator, so /metrics, /dashboard and /report read exactly what one process would hold.
// How each part adds is beside its type in aggregate/: task counts, histograms and window slots
// (task-stats.ts, sliding-window.ts), custom series (custom-series.ts), gauges and start balances,
// settled once per round (merge-round.ts), sets (set-members.ts), in-flight reports (inflight-registry.ts).
// Here: the frame, and which series a delta's key is in the primary. Type conflicts and the
// series cap apply again here, and count here.
import type { Aggregator } from '../aggregate/aggregator.js'
import { CustomSeries, type SeriesKey } from '../aggregate/custom-series.js'
import { type DeltaSource, DeltaReader } from '../aggregate/delta-bytes.js'
import { MergeRound } from '../aggregate/merge-round.js'
import { type TaskKey, TaskStats } from '../aggregate/task-stats.js'
import { readFrameHeader } from './delta-bytes.js'

export class ShardMerger {
  private readonly aggregator: Aggregator
  /** What one merge round settles together in endRound(): gauges, task balances. */
  private readonly round = new MergeRound()
  private readonly findTask = (key: TaskKey): TaskStats | null =>
    this.aggregator.tasks.get(key.id) ?? this.aggregator.task(key.name, key.labels, key.settings)

  constructor(aggregator: Aggregator) {
    this.aggregator = aggregator
  }

  /** Adds one delta; false for bytes that are no delta. */
  add(bytes: Uint8Array): boolean {
    return this.apply(new DeltaReader(bytes))
  }

  /** add() from any source of the delta's values (the delta benchmark compares encodings). */
  apply(source: DeltaSource): boolean {
    if (!readFrameHeader(source)) return false
    const tasks = source.u32()
    for (let t = 0; t < tasks; t++) TaskStats.applyDelta(source, this.findTask(TaskStats.readKey(source)), this.round)
    const series = source.u32()
    const drops = this.aggregator.drops
    for (let s = 0; s < series; s++) {
      const key = CustomSeries.readKey(source)
      CustomSeries.applyDelta(source, key, this.findSeries(key), this.round, drops)
    }
    this.aggregator.inflight.applyDelta(source, this.findTask)
    return true
  }

  // Two workers may see one name as two kinds: the one the primary saw first keeps it, and the
  // other's events are counted under the refusal (type_conflict), not lost silently.
  private findSeries(key: SeriesKey): CustomSeries | null {
    const known = this.aggregator.custom.get(key.id)
    if (known !== undefined && known.kind === key.kind) return known
    return this.aggregator.series(key.kind, key.name, key.labels, key.events, key.settings)
  }

  /** Settles the round (every worker's delta of one collect has been added). */
  endRound(): void {
    this.round.resolve()
  }
}
