// User counters, gauges and histograms, grouped by family. Histograms are exposed as summaries
// (p50/p95/p99/p99.9 from the HDR layout, with _sum and _count): their values have no unit, so
// fixed `le` buckets would fit nobody.
import type { Aggregator } from '../aggregate/aggregator.js'
import { type CustomSeries, HISTOGRAM_SCALE } from '../aggregate/custom-series.js'
import { QUANTILES, TaskFigures } from '../aggregate/task-figures.js'
import { familyHeader, formatNumber, labelBlock } from './prometheus-format.js'

export class CustomFamilyRenderer {
  private readonly aggregator: Aggregator
  private readonly figures: TaskFigures
  private readonly quantiles = new Float64Array(QUANTILES.length)

  constructor(aggregator: Aggregator) {
    this.aggregator = aggregator
    this.figures = new TaskFigures(aggregator)
  }

  render(out: string[]): void {
    const families = new Map<string, CustomSeries[]>()
    for (const series of this.aggregator.custom.values()) {
      const members = families.get(series.family)
      if (members === undefined) families.set(series.family, [series])
      else members.push(series)
    }
    for (const [family, members] of families) {
      const kind = (members[0] as CustomSeries).kind
      // A StatsD set is a gauge of its unique members over the window.
      const type = kind === 'histogram' ? 'summary' : kind === 'set' ? 'gauge' : kind
      let text = familyHeader(family, type, `User ${kind} ${(members[0] as CustomSeries).name}`)
      for (const series of members) {
        if (series.histogram === null) {
          const value = series.members === null ? series.value : this.aggregator.setSize(series)
          text += family + labelBlock(series.labels) + ' ' + formatNumber(value) + '\n'
          continue
        }
        this.figures.readHistogram(series.histogram, this.quantiles)
        // No observations (all refused, say): a quantile of nothing is NaN, as Prometheus clients write it.
        const empty = series.histogram.totalCount === 0
        for (let i = 0; i < QUANTILES.length; i++) {
          text +=
            family +
            labelBlock(series.labels, 'quantile', String(QUANTILES[i])) +
            ' ' +
            formatNumber(empty ? Number.NaN : (this.quantiles[i] ?? 0) / HISTOGRAM_SCALE) +
            '\n'
        }
        text += family + '_sum' + labelBlock(series.labels) + ' ' + formatNumber(series.sum) + '\n'
        text += family + '_count' + labelBlock(series.labels) + ' ' + series.histogram.totalCount + '\n'
      }
      out.push(text)
    }
  }
}
