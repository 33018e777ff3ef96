// User counters, gauges and histograms, grouped by family. Histograms are exposed as summaries
// (p50/p95/p99/p99.9 from the HDR layout, with _sum and _count): their values have no unit, so
// fixed `le` buckets would fit nobody. Written as bytes like the task families: 10 000 gauges with
// 4 KiB of labels each built a 40 MB string that held the event loop for 0.6 s to flatten.
import type { Aggregator } from '../aggregate/aggregator.js'
import { type CustomSeries, HISTOGRAM_SCALE } from '../aggregate/custom-series.js'
import { QUANTILES, TaskFigures } from '../aggregate/task-figures.js'
import { escapeLabelValue, familyHeader } from './prometheus-format.js'
import type { RenderPause } from './render-pause.js'
import { TextWriter } from './text-writer.js'

const ascii = (text: string): Buffer => Buffer.from(text, 'latin1')
const QUANTILE_LABELS = QUANTILES.map((q) => ascii('quantile="' + String(q) + '"} '))
const OPEN = ascii('{')
const CLOSE = ascii('} ')
const COMMA = ascii(',')
const SPACE = ascii(' ')
const NEWLINE = 10

/** `k="v",…` as UTF-8, escaped once: label text does not change for a series' life. */
function pairsText(series: CustomSeries): Buffer {
  let out = ''
  for (let i = 0; i < series.labels.length; i++) {
    const pair = series.labels[i] as readonly [string, string]
    out += (i > 0 ? ',' : '') + pair[0] + '="' + escapeLabelValue(pair[1]) + '"'
  }
  return Buffer.from(out)
}

export class CustomFamilyRenderer {
  private readonly aggregator: Aggregator
  private readonly figures: TaskFigures
  private readonly quantiles = new Float64Array(QUANTILES.length)
  private readonly labelBytes = new WeakMap<CustomSeries, Buffer>()
  private readonly writer = new TextWriter()

  constructor(aggregator: Aggregator) {
    this.aggregator = aggregator
    this.figures = new TaskFigures(aggregator)
  }

  private labelsOf(series: CustomSeries): Buffer {
    let labels = this.labelBytes.get(series)
    if (labels === undefined) {
      labels = pairsText(series)
      this.labelBytes.set(series, labels)
    }
    return labels
  }

  /** Every custom family into one writer (reused by the next render). */
  async render(pause: RenderPause): Promise<TextWriter> {
    const families = new Map<string, CustomSeries[]>()
    for (const series of this.aggregator.custom.values()) {
      const members = families.get(series.family)
      if (members === undefined) families.set(series.family, [series])
      else members.push(series)
    }
    const w = this.writer
    w.reset()
    for (const [family, members] of families) {
      const kind = (members[0] as CustomSeries).kind
      // A StatsD set is a gauge of its unique members over the window.
      const type = kind === 'histogram' ? 'summary' : kind === 'set' ? 'gauge' : kind
      w.utf8(familyHeader(family, type, `User ${kind} ${(members[0] as CustomSeries).name}`))
      const name = ascii(family)
      const sum = ascii(family + '_sum')
      const count = ascii(family + '_count')
      for (const series of members) {
        if (pause.due()) await pause.resume()
        const labels = this.labelsOf(series)
        if (series.histogram === null) {
          this.sample(name, labels, series.members === null ? series.value : this.aggregator.setSize(series))
          continue
        }
        this.figures.readHistogram(series.histogram, this.quantiles)
        // No observations (all refused, say): a quantile of nothing is NaN, as Prometheus clients write it.
        const empty = series.histogram.totalCount === 0
        for (let i = 0; i < QUANTILES.length; i++) {
          w.bytes(name)
          w.bytes(OPEN)
          if (labels.length > 0) {
            w.bytes(labels)
            w.bytes(COMMA)
          }
          w.bytes(QUANTILE_LABELS[i] as Buffer)
          w.number(empty ? Number.NaN : (this.quantiles[i] ?? 0) / HISTOGRAM_SCALE)
          w.byte(NEWLINE)
        }
        this.sample(sum, labels, series.sum)
        this.sample(count, labels, series.histogram.totalCount)
      }
    }
    return w
  }

  /** `name{labels} value\n`, or `name value\n` without labels. */
  private sample(name: Buffer, labels: Buffer, value: number): void {
    const w = this.writer
    w.bytes(name)
    if (labels.length > 0) {
      w.bytes(OPEN)
      w.bytes(labels)
      w.bytes(CLOSE)
    } else w.bytes(SPACE)
    w.number(value)
    w.byte(NEWLINE)
  }
}
