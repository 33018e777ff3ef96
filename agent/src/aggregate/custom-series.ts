// A user metric from increment / gauge / histogram events (or StatsD c/g/h/d/s lines): one name +
// tag set. Histogram observations are kept in an HDR layout at 1/1000 of the sent unit, so any
// non-negative value (a batch size of 64, 0.25 of a ratio) keeps the configured precision.
import type { BucketLayout } from './bucket-layout.js'
import type { LabelPairs } from './labels.js'
import { LatencyHistogram } from './latency-histogram.js'
import { SetMembers } from './set-members.js'

/** A StatsD set is exposed as a gauge: its unique members over the sliding window. */
export type CustomKind = 'counter' | 'gauge' | 'histogram' | 'set'

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

  /** Starts a new gauge history (after a worker merge took it). */
  resetGaugeHistory(): void {
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
