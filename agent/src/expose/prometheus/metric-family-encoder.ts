// FamilySink → length-delimited io.prometheus.client.MetricFamily messages, the protobuf exposition
// format (`application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily;
// encoding=delimited`). Field numbers: prometheus/client_model io/prometheus/client/metrics.proto.
import type { ExemplarStore } from '../../aggregate/exemplar-store.js'
import type { FamilySink, FamilyType, SeriesLabels } from './family-sink.js'
import { BUCKET_EXEMPLAR_FIELD, HISTOGRAM_EXEMPLARS_FIELD, writeExemplarMessage } from './protobuf-exemplars.js'
import { NATIVE_ZERO_THRESHOLD, type NativeBuckets, forEachSpan } from './native-histogram.js'
import { ProtobufWriter, varintSize } from './protobuf-writer.js'
import type { SeriesBytesSink } from './series-bytes.js'

const METRIC_TYPE: Record<FamilyType, number> = { counter: 0, gauge: 1, summary: 2, untyped: 3, histogram: 4 }
// Metric: label = 1, gauge = 2, counter = 3, summary = 4, untyped = 5, histogram = 7.
const VALUE_FIELD: Record<FamilyType, number> = { counter: 3, gauge: 2, summary: 4, untyped: 5, histogram: 7 }

/** Encoded `LabelPair` fields (field 1 of Metric) for names and values. */
export function encodeLabelPairs(writer: ProtobufWriter, names: readonly string[], values: readonly string[]): void {
  names.forEach((name, i) => {
    writer.begin(1, 1)
    writer.stringField(1, name)
    writer.stringField(2, values[i] ?? '')
    writer.end()
  })
}

/** Length prefix the writer reserves for a MetricFamily; end() shifts the body when it needs another size. */
const FAMILY_RESERVE = 3

export class MetricFamilyEncoder implements FamilySink, SeriesBytesSink {
  readonly writer: ProtobufWriter
  private readonly scratch = new ProtobufWriter(1024)
  private open: boolean
  private valueField: number
  /** The open family: where its message starts, and where its first Metric starts before end() shifts it. */
  private familyAt = 0
  private metricsAt = 0
  /** Where each ended family's first Metric lies in the body. */
  private readonly starts: number[] = []
  private readonly writeSpan: (offset: number, length: number) => void

  constructor(writer: ProtobufWriter = new ProtobufWriter(1 << 20)) {
    this.writer = writer
    this.open = false
    this.valueField = 0
    this.writeSpan = (offset, length) => {
      const w = this.writer
      w.begin(12, 1)
      if (offset !== 0) w.sintField(1, offset)
      w.uintField(2, length)
      w.end()
    }
  }

  /** Starts a new body in the writer. */
  reset(): void {
    this.writer.reset()
    this.open = false
    this.starts.length = 0
  }

  get familyCount(): number {
    return this.starts.length + (this.open ? 1 : 0)
  }

  seriesOffset(): number {
    return this.writer.pos - this.metricsAt
  }

  familyStart(index: number): number {
    return this.starts[index] ?? 0
  }

  copySeries(from: Buffer, start: number, end: number): void {
    this.writer.copyFrom(from, start, end)
  }

  /** Ends the open family, noting where its Metrics land once its length prefix has its size. */
  private endFamily(): void {
    const bodyAt = this.familyAt + FAMILY_RESERVE
    const prefix = varintSize(this.writer.pos - bodyAt)
    this.starts.push(this.familyAt + prefix + (this.metricsAt - bodyAt))
    this.writer.end()
    this.open = false
  }

  family(name: string, help: string, type: FamilyType): void {
    if (this.open) this.endFamily()
    const w = this.writer
    this.familyAt = w.pos
    w.beginDelimited(FAMILY_RESERVE)
    w.stringField(1, name)
    w.stringField(2, help)
    w.uintField(3, METRIC_TYPE[type])
    this.metricsAt = w.pos
    this.valueField = VALUE_FIELD[type]
    this.open = true
  }

  private beginMetric(labels: SeriesLabels, reserve: number): void {
    const w = this.writer
    w.begin(4, reserve)
    let bytes = labels.protoBytes
    if (bytes === null) {
      this.scratch.reset()
      encodeLabelPairs(this.scratch, labels.names, labels.values)
      bytes = this.scratch.toBuffer()
      labels.protoBytes = bytes
    }
    w.raw(bytes)
  }

  value(labels: SeriesLabels, extraName: string | null, extraValue: string | null, value: number): void {
    const w = this.writer
    this.beginMetric(labels, 1)
    if (extraName !== null) {
      w.begin(1, 1)
      w.stringField(1, extraName)
      w.stringField(2, extraValue ?? '')
      w.end()
    }
    w.begin(this.valueField, 1)
    w.doubleField(1, value)
    w.end()
    w.end()
  }

  summary(
    labels: SeriesLabels,
    count: number,
    sum: number,
    quantiles: ArrayLike<number>,
    values: ArrayLike<number>,
  ): void {
    const w = this.writer
    this.beginMetric(labels, 1)
    w.begin(4, 1)
    w.uintField(1, count)
    w.doubleField(2, sum)
    for (let i = 0; i < quantiles.length; i++) {
      w.begin(3, 1)
      w.doubleField(1, quantiles[i] ?? 0)
      w.doubleField(2, values[i] ?? 0)
      w.end()
    }
    w.end()
    w.end()
  }

  histogram(
    labels: SeriesLabels,
    count: number,
    sum: number,
    bounds: ArrayLike<number>,
    cumulative: ArrayLike<number>,
    native: NativeBuckets | null,
    exemplars?: ExemplarStore | null,
  ): void {
    const w = this.writer
    const held = exemplars ?? null
    this.beginMetric(labels, 2)
    w.begin(7, 2)
    w.uintField(1, count)
    w.doubleField(2, sum)
    // Classic buckets; the +Inf bucket is implicit (sample_count), as client_golang sends it, unless
    // it has an exemplar to carry (client_golang then writes it too).
    const n = bounds.length
    for (let i = 0; i <= n; i++) {
      if (i === n && (held === null || !held.has(n))) break
      w.begin(3, 1)
      w.uintField(1, i === n ? count : (cumulative[i] ?? 0))
      w.doubleField(2, i === n ? Number.POSITIVE_INFINITY : (bounds[i] ?? 0))
      if (held?.has(i) === true) writeExemplarMessage(w, BUCKET_EXEMPLAR_FIELD, held, i)
      w.end()
    }
    if (native !== null) {
      writeNative(w, native, this.writeSpan, 5, 6, 7, 13)
      // The same records for the native histogram, which takes a list (its buckets have no field for one).
      if (held !== null)
        for (let i = 0; i <= n; i++) if (held.has(i)) writeExemplarMessage(w, HISTOGRAM_EXEMPLARS_FIELD, held, i)
    }
    w.end()
    w.end()
  }

  end(): void {
    if (this.open) this.endFamily()
  }
}

/**
 * The native fields of a histogram message; MetricFamily and remote write number them
 * differently (schema 5/4, zero_threshold 6/5, zero_count 7/6, positive deltas 13/12; spans are
 * written by `span`). Deltas are packed zigzag varints: each count minus the previous bucket's.
 */
export function writeNative(
  w: ProtobufWriter,
  native: NativeBuckets,
  span: (offset: number, length: number) => void,
  schemaField: number,
  zeroThresholdField: number,
  zeroCountField: number,
  deltaField: number,
): void {
  w.sintField(schemaField, native.schema)
  w.doubleField(zeroThresholdField, NATIVE_ZERO_THRESHOLD)
  w.uintField(zeroCountField, native.zeroCount)
  forEachSpan(native, span)
  if (native.length === 0) return
  w.begin(deltaField, 2)
  let previous = 0
  for (let i = 0; i < native.length; i++) {
    const count = native.counts[i] ?? 0
    w.zigzag(count - previous)
    previous = count
  }
  w.end()
}
