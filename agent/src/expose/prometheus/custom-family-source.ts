// User counters, gauges, sets and histograms, grouped by family, for every encoder (text, protobuf,
// remote write). Histograms are exposed as summaries (p50/p95/p99/p99.9 from the HDR layout, with
// _sum and _count): their values have no unit, so fixed `le` buckets would fit nobody. With native
// histograms on, each user histogram also gets a native histogram family `<family>_histogram` (no
// classic buckets); the text format cannot carry native buckets, so its walk is made without them.
import type { Aggregator } from '../../aggregate/aggregator.js'
import { BucketList } from '../../aggregate/bucket-list.js'
import { type CustomSeries, HISTOGRAM_SCALE, NATIVE_COMPANION_SUFFIX } from '../../aggregate/custom-series.js'
import { QUANTILES, TaskFigures } from '../../aggregate/task-figures.js'
import type { FamilySink } from './family-sink.js'
import { LabelCache } from './label-cache.js'
import { NativeBuckets, NativeIndexTable, type NativeSettings } from './native-histogram.js'
import type { RenderPause } from './render-pause.js'

const NO_BOUNDS = new Float64Array(0)

export class CustomFamilySource {
  private readonly aggregator: Aggregator
  private readonly figures: TaskFigures
  private readonly quantiles = new Float64Array(QUANTILES.length)
  private readonly native: NativeSettings | null
  private readonly nativeTable: NativeIndexTable
  private readonly nativeBuckets = new NativeBuckets()
  private readonly list = new BucketList()
  private readonly labels: LabelCache

  constructor(aggregator: Aggregator, native: NativeSettings | null, labels: LabelCache = new LabelCache()) {
    this.aggregator = aggregator
    this.figures = new TaskFigures(aggregator)
    this.native = native
    this.nativeTable = new NativeIndexTable(aggregator.layout, HISTOGRAM_SCALE)
    this.labels = labels
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
        first.settings?.help ?? `User ${kind} ${first.name}`,
        kind === 'histogram' ? 'summary' : kind === 'set' ? 'gauge' : kind,
      )
      for (const series of members) {
        if (pause.due()) await pause.resume()
        if (series.histogram === null) {
          sink.value(
            this.labels.ofCustom(series),
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
        sink.summary(this.labels.ofCustom(series), series.histogram.totalCount, series.sum, QUANTILES, this.quantiles)
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
          this.labels.ofCustom(series),
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
