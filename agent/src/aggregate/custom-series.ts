// A user metric from increment / gauge / histogram events (or StatsD c/g/h/d/s lines): one name +
// tag set. Histogram observations are kept in an HDR layout at 1/1000 of the sent unit, so any
// non-negative value (a batch size of 64, 0.25 of a ratio) keeps the configured precision.
// Its --workers delta (delta-bytes.ts) is written and applied here, beside the fields it carries.
import type { BucketLayout } from './bucket-layout.js'
import { type DeltaSink, type DeltaSource, readLabels, writeLabels } from './delta-bytes.js'
import type { DropCounters } from './drop-counters.js'
import type { MergeRound } from './merge-round.js'
import { applyHistogramDelta, readHistogramState, takeHistogramDelta, writeHistogramState } from './histogram-delta.js'
import type { LabelPairs } from './labels.js'
import { type SeriesSettings, readSettings, writeSettings } from './series-settings.js'
import { LatencyHistogram } from './latency-histogram.js'
import { SetMembers } from './set-members.js'
import { SLOT_COUNT } from './sliding-window.js'

/** A StatsD set is exposed as a gauge: its unique members over the sliding window. */
export type CustomKind = 'counter' | 'gauge' | 'histogram' | 'set'

const KIND_CODES: readonly CustomKind[] = ['counter', 'gauge', 'histogram', 'set']

/** Which series a delta speaks of; the primary finds or creates it (Aggregator.series). */
export interface SeriesKey {
  kind: CustomKind
  id: string
  name: string
  labels: Array<[string, string]>
  /** Events the delta carries: a primary that refuses the series counts them under the reason. */
  events: number
  settings: SeriesSettings | null
}

export class CustomSeries {
  readonly kind: CustomKind
  /** Prometheus family name (sanitized; counters end in _total). */
  readonly family: string
  /** The name as sent, for /dashboard. */
  readonly name: string
  readonly labels: LabelPairs
  /** Prometheus identity: family{labels}. */
  readonly id: string
  /** /dashboard key: the name as sent, with its labels. */
  readonly displayId: string
  value: number
  sum: number
  readonly histogram: LatencyHistogram | null
  readonly members: SetMembers | null
  lastUpdateMs: number
  /** Events recorded since a worker merge last took this series (--workers): a refusal counts them. */
  eventsSinceMerge: number
  // A gauge's history since the last worker merge (--workers): the last absolute set
  // (when, value; -Infinity when none) and the relative changes after it (sum, first and last arrival).
  gaugeSetMs: number
  gaugeSetValue: number
  gaugeDeltaSum: number
  gaugeFirstDeltaMs: number
  gaugeLastDeltaMs: number
  /** From the mapping rule that named this series (its HELP, its TTL); null = the flags'. */
  settings: SeriesSettings | null = null

  constructor(
    kind: CustomKind,
    family: string,
    name: string,
    labels: LabelPairs,
    id: string,
    displayId: string,
    layout: BucketLayout,
    nowMs: number,
  ) {
    this.kind = kind
    this.family = family
    this.name = name
    this.labels = labels
    this.id = id
    this.displayId = displayId
    this.value = 0
    this.sum = 0
    this.histogram = kind === 'histogram' ? new LatencyHistogram(layout) : null
    this.members = kind === 'set' ? new SetMembers() : null
    this.lastUpdateMs = nowMs
    this.eventsSinceMerge = 0
    this.gaugeSetMs = -Infinity
    this.gaugeSetValue = 0
    this.gaugeDeltaSum = 0
    this.gaugeFirstDeltaMs = Infinity
    this.gaugeLastDeltaMs = -Infinity
  }

  /** An absolute gauge value: it also starts a new history for the worker merge. */
  gaugeSet(value: number, nowMs: number): void {
    this.value = value
    this.eventsSinceMerge++
    this.lastUpdateMs = nowMs
    this.gaugeSetMs = nowMs
    this.gaugeSetValue = value
    this.gaugeDeltaSum = 0
    this.gaugeFirstDeltaMs = Infinity
    this.gaugeLastDeltaMs = -Infinity
  }

  /** A relative change that made the gauge `next` (the caller checked it is finite). */
  gaugeMoved(next: number, delta: number, nowMs: number): void {
    this.value = next
    this.eventsSinceMerge++
    this.lastUpdateMs = nowMs
    this.gaugeDeltaSum += delta
    if (this.gaugeFirstDeltaMs === Infinity) this.gaugeFirstDeltaMs = nowMs
    this.gaugeLastDeltaMs = nowMs
  }

  /** Changed since the last takeDelta() (a shard also sends a series once when it is new). */
  get hasDelta(): boolean {
    if (this.kind === 'counter') return this.value !== 0
    if (this.kind === 'gauge') return this.gaugeSetMs !== -Infinity || this.gaugeFirstDeltaMs !== Infinity
    if (this.kind === 'histogram') return this.histogram !== null && this.histogram.totalCount > 0
    return true
  }

  /**
   * A --workers shard: writes the key and what changed since the last take, then forgets it.
   * Counters, sums and histograms travel as deltas; a gauge as its history (merge-round.ts); a
   * set as its live members at `setEpoch` (the set sub-window now), each with its epoch.
   */
  takeDelta(sink: DeltaSink, setEpoch: number): void {
    sink.u8(KIND_CODES.indexOf(this.kind))
    sink.str(this.id)
    sink.str(this.name)
    writeLabels(sink, this.labels)
    sink.f64(this.eventsSinceMerge)
    writeSettings(sink, this.settings)
    sink.f64(this.lastUpdateMs)
    this.eventsSinceMerge = 0
    if (this.kind === 'counter') {
      sink.f64(this.value)
      this.value = 0
    } else if (this.kind === 'gauge') {
      sink.f64(this.gaugeSetMs)
      sink.f64(this.gaugeSetValue)
      sink.f64(this.gaugeDeltaSum)
      sink.f64(this.gaugeLastDeltaMs)
      this.resetGaugeHistory()
    } else if (this.histogram !== null) {
      takeHistogramDelta(sink, this.histogram)
      sink.f64(this.sum)
      this.sum = 0
    } else if (this.members !== null) this.members.takeDelta(sink, setEpoch, SLOT_COUNT)
  }

  static readKey(source: DeltaSource): SeriesKey {
    const kind = KIND_CODES[source.u8()] ?? 'counter'
    const id = source.str()
    const name = source.str()
    const labels = readLabels(source)
    return { kind, id, name, labels, events: source.f64(), settings: readSettings(source) }
  }

  /**
   * The primary: adds what follows a key (readKey) into `into`, of the key's kind; null reads past
   * it. A gauge's history joins the round (merge-round.ts); set members
   * past the cap count under set_members_cap.
   */
  static applyDelta(
    source: DeltaSource,
    key: SeriesKey,
    into: CustomSeries | null,
    round: MergeRound,
    drops: DropCounters,
  ): void {
    const lastUpdateMs = source.f64()
    if (into !== null && lastUpdateMs > into.lastUpdateMs) into.lastUpdateMs = lastUpdateMs
    if (key.kind === 'counter') {
      const value = source.f64()
      if (into !== null) into.value += value
    } else if (key.kind === 'gauge') {
      const setMs = source.f64()
      const setValue = source.f64()
      const deltaSum = source.f64()
      const lastDeltaMs = source.f64()
      if (into !== null) round.gauge(into, setMs, setValue, deltaSum, lastDeltaMs)
    } else if (key.kind === 'histogram') {
      applyHistogramDelta(source, into === null ? null : into.histogram)
      const sum = source.f64()
      if (into !== null) into.sum += sum
    } else {
      const refused = SetMembers.applyDelta(source, into === null ? null : into.members, SLOT_COUNT)
      if (refused > 0) drops.add('set_members_cap', refused)
    }
  }

  /**
   * The state file (state/; its caller writes the key): the value, sum, histogram or live set
   * members at `setEpoch`. Unlike takeDelta() nothing is reset; a gauge's merge history is a shard's only.
   */
  writeState(sink: DeltaSink, setEpoch: number): void {
    sink.f64(this.lastUpdateMs)
    sink.f64(this.value)
    sink.f64(this.sum)
    if (this.histogram !== null) writeHistogramState(sink, this.histogram)
    if (this.members !== null) this.members.writeState(sink, setEpoch, SLOT_COUNT)
  }

  /** Restores writeState() into this new series of the same kind. */
  readState(source: DeltaSource): void {
    this.lastUpdateMs = source.f64()
    this.value = source.f64()
    this.sum = source.f64()
    if (this.histogram !== null) readHistogramState(source, this.histogram)
    if (this.members !== null) SetMembers.applyDelta(source, this.members, SLOT_COUNT)
  }

  /** Starts a new gauge history (after a worker merge took it). */
  private resetGaugeHistory(): void {
    this.gaugeSetMs = -Infinity
    this.gaugeSetValue = 0
    this.gaugeDeltaSum = 0
    this.gaugeFirstDeltaMs = Infinity
    this.gaugeLastDeltaMs = -Infinity
  }
}

/** Histogram values are stored as integers in milli-units. */
export const HISTOGRAM_SCALE = 1000

/** A user histogram's native buckets go in their own family, `<family>_histogram` (protobuf only). */
export const NATIVE_COMPANION_SUFFIX = '_histogram'
