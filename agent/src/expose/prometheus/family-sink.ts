// The families of a scrape, family by family, series by series: what the text exposition, the
// protobuf exposition and the remote-write push have in common. The sources (task-family-source.ts,
// custom-family-source.ts, runtime-families.ts, self-family-source.ts) walk their state once per
// render and call a sink; the sinks encode (text-family-encoder.ts: text format 0.0.4;
// metric-family-encoder.ts: MetricFamily messages; push/time-series-encoder.ts: TimeSeries).
import type { ExemplarStore } from '../../aggregate/exemplar-store.js'
import type { NativeBuckets } from './native-histogram.js'
import type { RenderPause } from './render-pause.js'

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
  /** Text format: `a="1",b="2"` escaped, as UTF-8 (empty for no labels). */
  textBytes: Buffer | null

  constructor(names: readonly string[], values: readonly string[]) {
    this.names = names
    this.values = values
    this.protoBytes = null
    this.textBytes = null
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
   * native: the series' sparse buckets, or null for a classic-only histogram. `exemplars`: the
   * latest exemplar per classic bucket (one slot per bound, then +Inf; values in ms), or null;
   * the formats that carry exemplars (OpenMetrics, protobuf) write them, the others ignore them.
   */
  histogram(
    labels: SeriesLabels,
    count: number,
    sum: number,
    bounds: ArrayLike<number>,
    cumulative: ArrayLike<number>,
    native: NativeBuckets | null,
    exemplars?: ExemplarStore | null,
  ): void
  /** Ends the last family. */
  end(): void
}

/** Families to emit into a sink, pausing when `pause` is due; ending the last family is the caller's. */
export interface FamilySource {
  emit(sink: FamilySink, pause: RenderPause): Promise<void> | void
}
