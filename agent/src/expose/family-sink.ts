// What the protobuf exposition and the remote-write push have in common: the families of a scrape,
// family by family, series by series. The sources (task-family-source.ts, custom-family-source.ts,
// text-family-source.ts) walk the aggregator once per render and call a sink; the sinks encode
// (metric-family-encoder.ts: MetricFamily messages; push/time-series-encoder.ts: TimeSeries).
import type { NativeBuckets } from './native-histogram.js'

export type FamilyType = 'counter' | 'gauge' | 'summary' | 'histogram' | 'untyped'

/** A series' labels in exposition order; encoders cache their bytes here (label text never changes). */
export class SeriesLabels {
  readonly names: readonly string[]
  readonly values: readonly string[]
  /** MetricFamily: the encoded `repeated LabelPair label = 1` fields. */
  protoBytes: Buffer | null
  /** Remote write: sorted names and encoded `Label` fields, external labels merged in, by the
   * encoder in sortedOwner (another encoder may merge other external labels). */
  sortedNames: string[] | null
  sortedBytes: Buffer[] | null
  sortedOwner: object | null

  constructor(names: readonly string[], values: readonly string[]) {
    this.names = names
    this.values = values
    this.protoBytes = null
    this.sortedNames = null
    this.sortedBytes = null
    this.sortedOwner = null
  }
}

export interface FamilySink {
  /** Starts a family (and ends the previous one). */
  family(name: string, help: string, type: FamilyType): void
  /** A counter, gauge or untyped sample; `extraName` (status, reason…) is one label after the series' own. */
  value(labels: SeriesLabels, extraName: string | null, extraValue: string | null, value: number): void
  /** Quantile values in the family's unit; NaN when there was nothing to rank. */
  summary(
    labels: SeriesLabels,
    count: number,
    sum: number,
    quantiles: ArrayLike<number>,
    values: ArrayLike<number>,
  ): void
  /**
   * Classic buckets: cumulative counts at upper bounds `bounds` (the +Inf bucket is `count`);
   * native: the series' sparse buckets, or null for a classic-only histogram.
   */
  histogram(
    labels: SeriesLabels,
    count: number,
    sum: number,
    bounds: ArrayLike<number>,
    cumulative: ArrayLike<number>,
    native: NativeBuckets | null,
  ): void
  /** Ends the last family. */
  end(): void
}
