// Decoders for what the agent sends Prometheus, built with protobufjs from the upstream schemas
// (field numbers as in prometheus/client_model io/prometheus/client/metrics.proto and
// prometheus/prometheus prompb/types.proto + remote.proto; created timestamps and remote-write
// exemplars left out; google.protobuf.Timestamp declared here under its own field numbers). Tests only: the agent encodes with its own writer, so this is an independent check.
import protobuf from 'protobufjs'

const METRICS_PROTO = `
syntax = "proto2";
package io.prometheus.client;
message LabelPair { optional string name = 1; optional string value = 2; }
enum MetricType { COUNTER = 0; GAUGE = 1; SUMMARY = 2; UNTYPED = 3; HISTOGRAM = 4; GAUGE_HISTOGRAM = 5; }
message Gauge { optional double value = 1; }
message Counter { optional double value = 1; }
message Quantile { optional double quantile = 1; optional double value = 2; }
message Summary { optional uint64 sample_count = 1; optional double sample_sum = 2; repeated Quantile quantile = 3; }
message Untyped { optional double value = 1; }
message Histogram {
  optional uint64 sample_count = 1; optional double sample_count_float = 4; optional double sample_sum = 2;
  repeated Bucket bucket = 3;
  optional sint32 schema = 5; optional double zero_threshold = 6; optional uint64 zero_count = 7; optional double zero_count_float = 8;
  repeated BucketSpan negative_span = 9; repeated sint64 negative_delta = 10; repeated double negative_count = 11;
  repeated BucketSpan positive_span = 12; repeated sint64 positive_delta = 13; repeated double positive_count = 14;
  repeated Exemplar exemplars = 16;
}
message Timestamp { optional int64 seconds = 1; optional int32 nanos = 2; }
message Exemplar { repeated LabelPair label = 1; optional double value = 2; optional Timestamp timestamp = 3; }
message Bucket {
  optional uint64 cumulative_count = 1; optional double cumulative_count_float = 4; optional double upper_bound = 2;
  optional Exemplar exemplar = 3;
}
message BucketSpan { optional sint32 offset = 1; optional uint32 length = 2; }
message Metric {
  repeated LabelPair label = 1; optional Gauge gauge = 2; optional Counter counter = 3; optional Summary summary = 4;
  optional Untyped untyped = 5; optional Histogram histogram = 7; optional int64 timestamp_ms = 6;
}
message MetricFamily { optional string name = 1; optional string help = 2; optional MetricType type = 3; repeated Metric metric = 4; optional string unit = 5; }
`

const REMOTE_PROTO = `
syntax = "proto3";
package prometheus;
message Sample { double value = 1; int64 timestamp = 2; }
message BucketSpan { sint32 offset = 1; uint32 length = 2; }
message Histogram {
  oneof count { uint64 count_int = 1; double count_float = 2; }
  double sum = 3; sint32 schema = 4; double zero_threshold = 5;
  oneof zero_count { uint64 zero_count_int = 6; double zero_count_float = 7; }
  repeated BucketSpan negative_spans = 8; repeated sint64 negative_deltas = 9; repeated double negative_counts = 10;
  repeated BucketSpan positive_spans = 11; repeated sint64 positive_deltas = 12; repeated double positive_counts = 13;
  int32 reset_hint = 14; int64 timestamp = 15;
}
message Label { string name = 1; string value = 2; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; repeated Histogram histograms = 4; }
message WriteRequest { repeated TimeSeries timeseries = 1; }
`

const metricsRoot = protobuf.parse(METRICS_PROTO, { keepCase: true }).root
const remoteRoot = protobuf.parse(REMOTE_PROTO, { keepCase: true }).root
export const MetricFamilyType = metricsRoot.lookupType('io.prometheus.client.MetricFamily')
export const WriteRequestType = remoteRoot.lookupType('prometheus.WriteRequest')

export interface Span {
  offset?: number
  length?: number
}
export interface DecodedExemplar {
  label?: Array<{ name?: string; value?: string }>
  value?: number
  timestamp?: { seconds?: number; nanos?: number }
}
export interface DecodedHistogram {
  sample_count?: number
  sample_sum?: number
  bucket?: Array<{ cumulative_count?: number; upper_bound?: number; exemplar?: DecodedExemplar }>
  exemplars?: DecodedExemplar[]
  schema?: number
  zero_threshold?: number
  zero_count?: number
  positive_span?: Span[]
  positive_delta?: number[]
}
export interface DecodedMetric {
  label?: Array<{ name?: string; value?: string }>
  gauge?: { value?: number }
  counter?: { value?: number }
  untyped?: { value?: number }
  summary?: { sample_count?: number; sample_sum?: number; quantile?: Array<{ quantile?: number; value?: number }> }
  histogram?: DecodedHistogram
}
export interface DecodedFamily {
  name: string
  help: string
  type: string
  metric: DecodedMetric[]
}

const TO_OBJECT = { longs: Number, enums: String, defaults: false, arrays: true } as const

/** Splits a `encoding=delimited` body into MetricFamily messages. */
export function decodeMetricFamilies(body: Uint8Array): DecodedFamily[] {
  const reader = protobuf.Reader.create(body)
  const out: DecodedFamily[] = []
  while (reader.pos < reader.len) {
    const message = MetricFamilyType.decodeDelimited(reader)
    const object = MetricFamilyType.toObject(message, TO_OBJECT) as Partial<DecodedFamily>
    out.push({
      name: object.name ?? '',
      help: object.help ?? '',
      type: object.type ?? 'COUNTER',
      metric: object.metric ?? [],
    })
  }
  return out
}

export interface DecodedSeries {
  labels: Array<{ name: string; value: string }>
  samples: Array<{ value: number; timestamp: number }>
  histograms: Array<{
    count_int?: number
    sum?: number
    schema?: number
    zero_threshold?: number
    zero_count_int?: number
    positive_spans?: Span[]
    positive_deltas?: number[]
    timestamp?: number
  }>
}

export function decodeWriteRequest(body: Uint8Array): DecodedSeries[] {
  const object = WriteRequestType.toObject(WriteRequestType.decode(body), { ...TO_OBJECT, defaults: true }) as {
    timeseries: DecodedSeries[]
  }
  return object.timeseries
}

/** Absolute bucket counts by index from spans + deltas. */
export function nativeBuckets(spans: Span[] | undefined, deltas: number[] | undefined): Map<number, number> {
  const out = new Map<number, number>()
  let index = 0
  let k = 0
  let count = 0
  for (const span of spans ?? []) {
    index += span.offset ?? 0
    for (let j = 0; j < (span.length ?? 0); j++) {
      count += (deltas ?? [])[k++] ?? 0
      out.set(index, count)
      index++
    }
  }
  return out
}

function seriesKey(name: string, labels: Array<[string, string]>): string {
  const sorted = [...labels].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  return name + '{' + sorted.map(([n, v]) => `${n}=${JSON.stringify(v)}`).join(',') + '}'
}

/** Decoded families as Prometheus would store the classic samples: series key → value text. */
export function flattenFamilies(families: DecodedFamily[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const family of families) {
    for (const metric of family.metric) {
      const labels: Array<[string, string]> = (metric.label ?? []).map((l) => [l.name ?? '', l.value ?? ''])
      const put = (suffix: string, extra: Array<[string, string]>, value: number | undefined): void => {
        out.set(seriesKey(family.name + suffix, [...labels, ...extra]), String(value ?? 0))
      }
      if (family.type === 'COUNTER') put('', [], metric.counter?.value)
      else if (family.type === 'GAUGE') put('', [], metric.gauge?.value)
      else if (family.type === 'UNTYPED') put('', [], metric.untyped?.value)
      else if (family.type === 'SUMMARY') {
        for (const q of metric.summary?.quantile ?? []) put('', [['quantile', String(q.quantile ?? 0)]], q.value)
        put('_sum', [], metric.summary?.sample_sum)
        put('_count', [], metric.summary?.sample_count)
      } else if (family.type === 'HISTOGRAM') {
        // An explicit +Inf bucket (sent to carry its exemplar) is the sample_count one below.
        for (const b of metric.histogram?.bucket ?? [])
          if (b.upper_bound !== Number.POSITIVE_INFINITY)
            put('_bucket', [['le', String(b.upper_bound ?? 0)]], b.cumulative_count)
        put('_bucket', [['le', '+Inf']], metric.histogram?.sample_count)
        put('_sum', [], metric.histogram?.sample_sum)
        put('_count', [], metric.histogram?.sample_count)
      }
    }
  }
  return out
}

/** A text-format scrape the same way: series key → value text (numbers re-printed by JS). */
export function flattenText(text: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (match === null) throw new Error(`unreadable sample line: ${line}`)
    const labels: Array<[string, string]> = []
    for (const m of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels.push([m[1] as string, (m[2] as string).replace(/\\(.)/g, (_x, c: string) => (c === 'n' ? '\n' : c))])
    }
    const raw = match[3] as string
    out.set(
      seriesKey(match[1] as string, labels),
      raw === '+Inf' ? 'Infinity' : raw === '-Inf' ? '-Infinity' : String(Number(raw)),
    )
  }
  return out
}

/** `# TYPE name type` lines of a text scrape. */
export function textFamilyTypes(text: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) out.set(m[1] as string, (m[2] as string).toUpperCase())
  return out
}
