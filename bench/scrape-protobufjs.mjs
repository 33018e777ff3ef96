// The protobufjs baseline of bench/scrape.bench.mjs's protobuf mode: the same families (our family
// walk, native buckets included) built as plain objects and encoded with protobufjs' generated
// MetricFamily.encodeDelimited. A devDependency: only tests and this baseline use protobufjs.
import protobuf from 'protobufjs'
import { NATIVE_ZERO_THRESHOLD, forEachSpan } from '../agent/dist/expose/prometheus/native-histogram.js'

const { root } = protobuf.parse(
  `syntax = "proto2"; package io.prometheus.client;
  message LabelPair { optional string name = 1; optional string value = 2; }
  message Gauge { optional double value = 1; } message Counter { optional double value = 1; } message Untyped { optional double value = 1; }
  message Quantile { optional double quantile = 1; optional double value = 2; }
  message Summary { optional uint64 sample_count = 1; optional double sample_sum = 2; repeated Quantile quantile = 3; }
  message Bucket { optional uint64 cumulative_count = 1; optional double upper_bound = 2; }
  message BucketSpan { optional sint32 offset = 1; optional uint32 length = 2; }
  message Histogram { optional uint64 sample_count = 1; optional double sample_sum = 2; repeated Bucket bucket = 3; optional sint32 schema = 5;
    optional double zero_threshold = 6; optional uint64 zero_count = 7; repeated BucketSpan positive_span = 12; repeated sint64 positive_delta = 13 [packed = true]; }
  message Metric { repeated LabelPair label = 1; optional Gauge gauge = 2; optional Counter counter = 3; optional Summary summary = 4; optional Untyped untyped = 5; optional Histogram histogram = 7; }
  message MetricFamily { optional string name = 1; optional string help = 2; optional int32 type = 3; repeated Metric metric = 4; }`,
  { keepCase: true },
)
const MetricFamily = root.lookupType('io.prometheus.client.MetricFamily')
const TYPES = { counter: 0, gauge: 1, summary: 2, untyped: 3, histogram: 4 }
const FIELD = { counter: 'counter', gauge: 'gauge', untyped: 'untyped' }

function labelObjects(labels, extraName, extraValue) {
  const out = labels.names.map((name, i) => ({ name, value: labels.values[i] }))
  if (extraName !== null) out.push({ name: extraName, value: extraValue })
  return out
}

class ObjectSink {
  constructor() {
    this.families = []
    this.current = null
  }
  family(name, help, type) {
    this.current = { name, help, type: TYPES[type], metric: [], kind: type }
    this.families.push(this.current)
  }
  value(labels, extraName, extraValue, value) {
    this.current.metric.push({
      label: labelObjects(labels, extraName, extraValue),
      [FIELD[this.current.kind]]: { value },
    })
  }
  summary(labels, count, sum, quantiles, values) {
    const quantile = []
    for (let i = 0; i < quantiles.length; i++) quantile.push({ quantile: quantiles[i], value: values[i] })
    this.current.metric.push({
      label: labelObjects(labels, null, null),
      summary: { sample_count: count, sample_sum: sum, quantile },
    })
  }
  histogram(labels, count, sum, bounds, cumulative, native) {
    const bucket = []
    for (let i = 0; i < bounds.length; i++) bucket.push({ cumulative_count: cumulative[i], upper_bound: bounds[i] })
    const histogram = { sample_count: count, sample_sum: sum, bucket }
    if (native !== null) {
      const spans = []
      forEachSpan(native, (offset, length) => spans.push({ offset, length }))
      const deltas = []
      for (let i = 0; i < native.length; i++) deltas.push(native.counts[i] - (i === 0 ? 0 : native.counts[i - 1]))
      Object.assign(histogram, {
        schema: native.schema,
        zero_threshold: NATIVE_ZERO_THRESHOLD,
        zero_count: native.zeroCount,
        positive_span: spans,
        positive_delta: deltas,
      })
    }
    this.current.metric.push({ label: labelObjects(labels, null, null), histogram })
  }
  end() {}
}

/** renderer.emitFamilies into objects, then protobufjs: the answer's bytes. */
export async function protobufjsRender(renderer) {
  const sink = new ObjectSink()
  await renderer.emitFamilies(sink)
  const writer = protobuf.Writer.create()
  for (const family of sink.families) {
    delete family.kind
    MetricFamily.encodeDelimited(family, writer)
  }
  return writer.finish()
}
