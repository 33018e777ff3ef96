// User counters, gauges, sets and histograms for the protobuf and remote-write encoders, with the
// values of custom-families.ts (histograms as summaries of the HDR quantiles). With native
// histograms on, each user histogram also gets a native histogram family `<family>_histogram`
// (no classic buckets: the values have no unit for fixed `le` bounds to fit). The text format
// cannot carry native buckets, so only protobuf scrapes and remote write have it.
import type { Aggregator } from '../aggregate/aggregator.js'
import { BucketList } from '../aggregate/bucket-list.js'
import { type CustomSeries, HISTOGRAM_SCALE, NATIVE_COMPANION_SUFFIX } from '../aggregate/custom-series.js'
import { QUANTILES, TaskFigures } from '../aggregate/task-figures.js'
import { type FamilySink, SeriesLabels } from './family-sink.js'
import { NativeBuckets, NativeIndexTable, type NativeSettings } from './native-histogram.js'
import type { RenderPause } from './render-pause.js'

const NO_BOUNDS = new Float64Array(0)

function seriesLabels(series: CustomSeries): SeriesLabels {
  const names: string[] = []
  const values: string[] = []
  for (let i = 0; i < series.labels.length; i++) {
    const pair = series.labels[i] as readonly [string, string]
    names.push(pair[0])
    values.push(pair[1])
  }
  return new SeriesLabels(names, values)
}

export class CustomFamilySource {
  private readonly aggregator: Aggregator
  private readonly figures: TaskFigures
  private readonly quantiles = new Float64Array(QUANTILES.length)
  private readonly native: NativeSettings | null
  private readonly nativeTable: NativeIndexTable
  private readonly nativeBuckets = new NativeBuckets()
  private readonly list = new BucketList()
  private readonly labels = new WeakMap<CustomSeries, SeriesLabels>()

  constructor(aggregator: Aggregator, native: NativeSettings | null) {
    this.aggregator = aggregator
    this.figures = new TaskFigures(aggregator)
    this.native = native
    this.nativeTable = new NativeIndexTable(aggregator.layout, HISTOGRAM_SCALE)
  }

  private labelsOf(series: CustomSeries): SeriesLabels {
    let labels = this.labels.get(series)
    if (labels === undefined) {
      labels = seriesLabels(series)
      this.labels.set(series, labels)
    }
    return labels
  }

  async emit(sink: FamilySink, pause: RenderPause): Promise<void> {
    const families = new Map<string, CustomSeries[]>()
    for (const series of this.aggregator.custom.values()) {
      const members = families.get(series.family)
      if (members === undefined) families.set(series.family, [series])
      else members.push(series)
    }
    for (const [family, members] of families) {
      const first = members[0] as CustomSeries
      const kind = first.kind
      sink.family(
        family,
        `User ${kind} ${first.name}`,
        kind === 'histogram' ? 'summary' : kind === 'set' ? 'gauge' : kind,
      )
      for (const series of members) {
        if (pause.due()) await pause.resume()
        if (series.histogram === null) {
          sink.value(
            this.labelsOf(series),
            null,
            null,
            series.members === null ? series.value : this.aggregator.setSize(series),
          )
          continue
        }
        this.figures.readHistogram(series.histogram, this.quantiles)
        // No observations (all refused, say): a quantile of nothing is NaN, as Prometheus clients write it.
        const empty = series.histogram.totalCount === 0
        for (let i = 0; i < QUANTILES.length; i++)
          this.quantiles[i] = empty ? Number.NaN : (this.quantiles[i] ?? 0) / HISTOGRAM_SCALE
        sink.summary(this.labelsOf(series), series.histogram.totalCount, series.sum, QUANTILES, this.quantiles)
      }
    }
    if (this.native === null) return
    for (const [family, members] of families) {
      const first = members[0] as CustomSeries
      // A user family may already hold the companion's name: that family wins, no companion.
      if (first.kind !== 'histogram' || families.has(family + NATIVE_COMPANION_SUFFIX)) continue
      sink.family(family + NATIVE_COMPANION_SUFFIX, `User histogram ${first.name} (native buckets)`, 'histogram')
      for (const series of members) {
        if (pause.due()) await pause.resume()
        const histogram = series.histogram
        if (histogram === null) continue
        this.list.clear()
        histogram.appendBucketsTo(this.list)
        this.nativeBuckets.load(this.list, this.nativeTable, this.native)
        sink.histogram(
          this.labelsOf(series),
          histogram.totalCount,
          series.sum,
          NO_BOUNDS,
          NO_BOUNDS,
          this.nativeBuckets,
        )
      }
    }
  }
}
