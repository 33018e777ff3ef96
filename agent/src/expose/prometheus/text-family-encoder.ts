// FamilySink → the Prometheus text format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/),
// as bytes in a TextWriter kept across scrapes: a series' label text is escaped and encoded once
// (cached on its SeriesLabels), sample names and trailing labels (`le`, `quantile`, `status`) once
// per family or per value, so a sample line is five copies and a number. Native buckets are left
// out: the text format cannot carry them. With `openMetrics`, the same lines are OpenMetrics 1.0
// text (openmetrics-format.ts: other family headers, exemplars on buckets, `# EOF`); the switch is
// read once per family and per histogram, so that the 0.0.4 loops stay as they are.
import type { ExemplarStore } from '../../aggregate/exemplar-store.js'
import type { FamilySink, FamilyType, SeriesLabels } from './family-sink.js'
import type { NativeBuckets } from './native-histogram.js'
import { OPENMETRICS_EOF, openMetricsHeader, writeExemplar } from './openmetrics-format.js'
import { escapeLabelValue, familyHeader, formatNumber } from './prometheus-format.js'
import type { SeriesBytesSink } from './series-bytes.js'
import { TextWriter } from './text-writer.js'

/** A sample name: `name{` before labels, and `name` (a view of it) for a sample without any. */
interface SampleName {
  readonly open: Buffer
  readonly bare: Buffer
}

/** A trailing label: `,le="0.1"} ` after the series' labels, or `{le="0.1"} ` on its own. */
interface TrailingLabel {
  readonly after: Buffer
  readonly alone: Buffer
}

function sampleName(name: string): SampleName {
  const open = Buffer.from(name + '{')
  return { open, bare: open.subarray(0, open.length - 1) }
}

function trailingLabel(name: string, value: string): TrailingLabel {
  const pair = name + '="' + escapeLabelValue(value) + '"'
  return { after: Buffer.from(',' + pair + '} '), alone: Buffer.from('{' + pair + '} ') }
}

const EMPTY = Buffer.alloc(0)
const CLOSE = Buffer.from('} ')
const SPACE = Buffer.from(' ')
const INF = trailingLabel('le', '+Inf')
const NEWLINE = 10
// Trailing labels are few (status values, quantiles, bucket bounds); past this many, a source that
// makes them up per series would only grow the cache.
const MAX_CACHED = 1024

/** `a="1",b="2"`, escaped, as UTF-8; made once per series. */
function labelText(labels: SeriesLabels): Buffer {
  let bytes = labels.textBytes
  if (bytes !== null) return bytes
  let out = ''
  for (let i = 0; i < labels.names.length; i++)
    out += (i > 0 ? ',' : '') + labels.names[i] + '="' + escapeLabelValue(labels.values[i] ?? '') + '"'
  bytes = out === '' ? EMPTY : Buffer.from(out)
  labels.textBytes = bytes
  return bytes
}

/**
 * The trailing labels of `keys` (quantiles or bucket bounds) as `name="<key>"`. The sources pass the
 * same keys for every series of a family, so the last list is kept and checked number by number.
 */
class KeyLabels {
  private readonly name: string
  private readonly cache = new Map<number, TrailingLabel>()
  private keys = new Float64Array(0)
  private labels: TrailingLabel[] = []

  constructor(name: string) {
    this.name = name
  }

  of(keys: ArrayLike<number>): readonly TrailingLabel[] {
    const last = this.keys
    let same = last.length === keys.length
    for (let i = 0; same && i < last.length; i++) same = last[i] === keys[i]
    if (same) return this.labels
    if (this.cache.size > MAX_CACHED) this.cache.clear()
    const labels: TrailingLabel[] = []
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] ?? 0
      let label = this.cache.get(key)
      if (label === undefined) {
        label = trailingLabel(this.name, formatNumber(key))
        this.cache.set(key, label)
      }
      labels.push(label)
    }
    const copy = new Float64Array(keys.length)
    for (let i = 0; i < keys.length; i++) copy[i] = keys[i] ?? 0
    this.keys = copy
    this.labels = labels
    return labels
  }
}

export class TextFamilyEncoder implements FamilySink, SeriesBytesSink {
  readonly writer = new TextWriter()
  /** OpenMetrics 1.0 rather than text format 0.0.4; switched between bodies only. */
  openMetrics: boolean
  /** Where each family's first sample line starts: the body is one stream, so that is final. */
  private readonly starts: number[] = []
  private familyName = ''
  private base: SampleName = sampleName('')
  private suffixed: { sum: SampleName; count: SampleName; bucket: SampleName } | null = null
  private readonly extras = new Map<string, Map<string, TrailingLabel>>()
  private readonly quantiles = new KeyLabels('quantile')
  private readonly bounds = new KeyLabels('le')

  constructor(openMetrics = false) {
    this.openMetrics = openMetrics
  }

  /** Starts a new body (the bytes of the previous one are reused). */
  reset(): void {
    this.writer.reset()
    this.starts.length = 0
  }

  get familyCount(): number {
    return this.starts.length
  }

  seriesOffset(): number {
    return this.writer.position - (this.starts[this.starts.length - 1] ?? 0)
  }

  familyStart(index: number): number {
    return this.starts[index] ?? 0
  }

  copySeries(from: Buffer, start: number, end: number): void {
    this.writer.borrow(from, start, end)
  }

  /** Drops the views of the body once it was joined (they may borrow from an earlier body). */
  release(): void {
    this.writer.release()
  }

  /** Views of the body, in order, onto `out`: valid until the next reset. */
  viewsInto(out: Uint8Array[]): void {
    this.writer.viewsInto(out)
  }

  family(name: string, help: string, type: FamilyType): void {
    this.writer.utf8(this.openMetrics ? openMetricsHeader(name, type, help) : familyHeader(name, type, help))
    this.starts.push(this.writer.position)
    this.familyName = name
    this.base = sampleName(name)
    this.suffixed = null
  }

  /** `_sum`, `_count` and `_bucket` of the family, made at its first summary or histogram. */
  private names(): { sum: SampleName; count: SampleName; bucket: SampleName } {
    if (this.suffixed === null) {
      const name = this.familyName
      this.suffixed = {
        sum: sampleName(name + '_sum'),
        count: sampleName(name + '_count'),
        bucket: sampleName(name + '_bucket'),
      }
    }
    return this.suffixed
  }

  private extra(name: string, value: string): TrailingLabel {
    let values = this.extras.get(name)
    if (values === undefined) {
      if (this.extras.size > MAX_CACHED) this.extras.clear()
      values = new Map()
      this.extras.set(name, values)
    }
    let label = values.get(value)
    if (label === undefined) {
      if (values.size > MAX_CACHED) values.clear()
      label = trailingLabel(name, value)
      values.set(value, label)
    }
    return label
  }

  /** `name{labels,extra} value\n`, `name{extra} value\n` or `name value\n`. */
  private line(name: SampleName, labels: Buffer, extra: TrailingLabel | null, value: number): void {
    this.sample(name, labels, extra, value)
    this.writer.byte(NEWLINE)
  }

  /** A line without its newline. */
  private sample(name: SampleName, labels: Buffer, extra: TrailingLabel | null, value: number): void {
    const w = this.writer
    if (labels.length > 0) {
      w.bytes(name.open)
      w.bytes(labels)
      w.bytes(extra === null ? CLOSE : extra.after)
    } else {
      w.bytes(name.bare)
      w.bytes(extra === null ? SPACE : extra.alone)
    }
    w.number(value)
  }

  value(labels: SeriesLabels, extraName: string | null, extraValue: string | null, value: number): void {
    const extra = extraName === null ? null : this.extra(extraName, extraValue ?? '')
    this.line(this.base, labelText(labels), extra, value)
  }

  summary(
    labels: SeriesLabels,
    count: number,
    sum: number,
    quantiles: ArrayLike<number>,
    values: ArrayLike<number>,
  ): void {
    const text = labelText(labels)
    const keys = this.quantiles.of(quantiles)
    for (let i = 0; i < keys.length; i++) this.line(this.base, text, keys[i] as TrailingLabel, values[i] ?? 0)
    const names = this.names()
    this.line(names.sum, text, null, sum)
    this.line(names.count, text, null, count)
  }

  histogram(
    labels: SeriesLabels,
    count: number,
    sum: number,
    bounds: ArrayLike<number>,
    cumulative: ArrayLike<number>,
    _native: NativeBuckets | null,
    exemplars?: ExemplarStore | null,
  ): void {
    const text = labelText(labels)
    const names = this.names()
    const les = this.bounds.of(bounds)
    if (this.openMetrics && exemplars !== null && exemplars !== undefined)
      this.bucketsWithExemplars(names.bucket, text, les, cumulative, count, exemplars)
    else {
      for (let i = 0; i < les.length; i++) this.line(names.bucket, text, les[i] as TrailingLabel, cumulative[i] ?? 0)
      this.line(names.bucket, text, INF, count)
    }
    this.line(names.sum, text, null, sum)
    this.line(names.count, text, null, count)
  }

  // The `_bucket` lines (the +Inf one last, in the store's last slot), each with its exemplar if held.
  private bucketsWithExemplars(
    bucket: SampleName,
    text: Buffer,
    les: readonly TrailingLabel[],
    cumulative: ArrayLike<number>,
    count: number,
    exemplars: ExemplarStore,
  ): void {
    const w = this.writer
    for (let i = 0; i <= les.length; i++) {
      const last = i === les.length
      this.sample(bucket, text, last ? INF : (les[i] as TrailingLabel), last ? count : (cumulative[i] ?? 0))
      if (exemplars.has(i)) writeExemplar(w, exemplars, i)
      w.byte(NEWLINE)
    }
  }

  end(): void {
    if (this.openMetrics) this.writer.bytes(OPENMETRICS_EOF)
  }
}
