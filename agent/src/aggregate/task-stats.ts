// Everything the agent knows about one task (one name + tag set): the cumulative latency
// histogram, exact sum, success/error totals, the sliding window, and the start/end balance of
// clients that send no in-flight reports. A plain record: Aggregator owns the rules, except for
// its --workers delta (delta-bytes.ts), written and applied here beside the fields it carries.
import type { BucketLayout } from './bucket-layout.js'
import type { ExemplarStore } from './exemplar-store.js'
import { type DeltaSink, type DeltaSource, readLabels, writeLabels } from './delta-bytes.js'
import { applyHistogramDelta, readHistogramState, takeHistogramDelta, writeHistogramState } from './histogram-delta.js'
import type { LabelPairs } from './labels.js'
import { LatencyHistogram } from './latency-histogram.js'
import type { MergeRound } from './merge-round.js'
import { type SeriesSettings, readSettings, writeSettings } from './series-settings.js'
import { SlidingWindow } from './sliding-window.js'

/** Which task a delta speaks of: the primary finds or creates it (Aggregator.task). */
export interface TaskKey {
  id: string
  name: string
  labels: Array<[string, string]>
  settings: SeriesSettings | null
}

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
  /** From the mapping rule that named this task (its buckets, its TTL); null = the flags'. */
  settings: SeriesSettings | null = null
  /** The latest exemplar per `le` bucket, made on the task's first one (exemplar-store.ts); null = none yet. */
  exemplars: ExemplarStore | null = null

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

  /** Something for the primary since the last takeDelta(): requests, starts or ends. */
  get hasDelta(): boolean {
    return this.histogram.totalCount > 0 || this.startEvents > 0 || this.endEvents > 0
  }

  /** Writes the task's identity; TaskStats.readKey() reads it (a delta's entries name tasks so). */
  writeKey(sink: DeltaSink): void {
    sink.str(this.id)
    sink.str(this.name)
    writeLabels(sink, this.labels)
    writeSettings(sink, this.settings)
  }

  static readKey(source: DeltaSource): TaskKey {
    return { id: source.str(), name: source.str(), labels: readLabels(source), settings: readSettings(source) }
  }

  /**
   * A --workers shard: writes the key and what came in since the last take, then forgets it.
   * Counts travel as deltas, so the primary adds them; the balance stays (the shard's own floor).
   */
  takeDelta(sink: DeltaSink, nowMs: number): void {
    this.writeKey(sink)
    // The window first: its live slot is read from the cumulative histogram, emptied next.
    this.window.takeDelta(sink, nowMs)
    takeHistogramDelta(sink, this.histogram)
    sink.f64(this.sumMs)
    sink.f64(this.success)
    sink.f64(this.errors)
    sink.f64(this.startEvents)
    sink.f64(this.endEvents)
    sink.f64(this.lastUpdateMs)
    this.sumMs = 0
    this.success = 0
    this.errors = 0
    this.startEvents = 0
    this.endEvents = 0
  }

  /**
   * The primary: adds what follows a key (readKey) into `into`; null reads past it (the task was
   * refused). Starts and ends join the round, which floors the balance once every shard's delta
   * is in (merge-round.ts).
   */
  static applyDelta(source: DeltaSource, into: TaskStats | null, round: MergeRound): void {
    SlidingWindow.applyDelta(source, into === null ? null : into.window)
    applyHistogramDelta(source, into === null ? null : into.histogram)
    const sumMs = source.f64()
    const success = source.f64()
    const errors = source.f64()
    const starts = source.f64()
    const ends = source.f64()
    const lastUpdateMs = source.f64()
    if (into === null) return
    into.sumMs += sumMs
    into.success += success
    into.errors += errors
    round.balance(into, starts, ends)
    if (lastUpdateMs > into.lastUpdateMs) into.lastUpdateMs = lastUpdateMs
  }

  /**
   * The state file (state/; its caller writes the key): the histogram, the window's live slots and
   * the totals. Unlike takeDelta() nothing is reset; the raw start/end counts are a shard's only.
   */
  writeState(sink: DeltaSink, nowMs: number): void {
    writeHistogramState(sink, this.histogram)
    this.window.writeState(sink, nowMs)
    sink.f64(this.sumMs)
    sink.f64(this.success)
    sink.f64(this.errors)
    sink.f64(this.startBalance)
    sink.f64(this.lastUpdateMs)
  }

  /** Restores writeState() into this new task; window slots outside the window at nowMs are dropped. */
  readState(source: DeltaSource, nowMs: number): void {
    readHistogramState(source, this.histogram)
    this.window.readState(source, nowMs)
    this.sumMs = source.f64()
    this.success = source.f64()
    this.errors = source.f64()
    this.startBalance = source.f64()
    this.lastUpdateMs = source.f64()
  }

  footprintBytes(): number {
    return (
      200 + this.histogram.footprintBytes() + this.window.footprintBytes() + (this.exemplars?.footprintBytes() ?? 0)
    )
  }
}
