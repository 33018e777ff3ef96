// The protobuf answer: golden bytes for fixed inputs decode to the expected families;
// every family of the text answer is in it with identical values; Accept negotiation.
import { readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  decodeMetricFamilies,
  flattenFamilies,
  flattenText,
  nativeBuckets,
  textFamilyTypes,
} from '../../../../test/harness/prometheus-proto.js'
import { FamilySources } from './family-sources.js'
import { ProtobufExposition, prefersProtobuf } from './protobuf-exposition.js'
import { fixedAggregator, fixedRenderer } from './fixed-state.test-support.js'

const GOLDEN = new URL('./testdata/protobuf-exposition.golden.hex', import.meta.url)
const BUCKETS = [0.001, 0.01, 0.1, 1]

function toHex(bytes: Buffer): string {
  return (bytes.toString('hex').match(/.{1,64}/g) ?? []).join('\n') + '\n'
}

describe('protobuf exposition, golden bytes', async () => {
  const body = await new ProtobufExposition().render([
    new FamilySources(fixedAggregator(), BUCKETS, { schema: 7, maxBuckets: 160 }),
  ])

  it('matches the committed bytes (UPDATE_GOLDEN=1 rewrites them after a deliberate change)', () => {
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, toHex(body))
    expect(toHex(body)).toBe(readFileSync(GOLDEN, 'utf8'))
  })

  it('decodes to the expected families', () => {
    const families = decodeMetricFamilies(body)
    expect(families.map((f) => `${f.name} ${f.type}`)).toEqual([
      'task_duration_seconds HISTOGRAM',
      'task_duration_window_seconds SUMMARY',
      'requests_total COUNTER',
      'requests_per_second GAUGE',
      'tasks_active GAUGE',
      'tasks_completed_total COUNTER',
      'tasks_failed_total COUNTER',
      'orders_total COUNTER',
      'queue_depth GAUGE',
      'batch_size SUMMARY',
      'batch_size_histogram HISTOGRAM',
    ])
    const duration = families[0]?.metric[0]
    expect(duration?.label).toEqual([
      { name: 'task', value: 'checkout' },
      { name: 'region', value: 'eu' },
    ])
    const h = duration?.histogram
    expect(h?.sample_count).toBe(7)
    expect(h?.sample_sum).toBeCloseTo(0.258103, 12)
    // Classic: ≤1 ms holds 0, 0.1, 1 and 1.003 ms (1.003 shares 1 ms's HDR bucket [1000, 1003] µs).
    expect(h?.bucket?.map((b) => [b.upper_bound, b.cumulative_count])).toEqual([
      [0.001, 4],
      [0.01, 6],
      [0.1, 6],
      [1, 7],
    ])
    // Native at schema 7: zero bucket 1 (0 ms); 100 µs → ceil(log2(1e-4)·128) = −1700; 1001.5 µs → −1275;
    // 3 ms ([2992, 3007] µs, midpoint 2999.5) → −1072; 250 ms ([249856, 250879]) → −255.
    expect([h?.schema, h?.zero_count, h?.zero_threshold]).toEqual([7, 1, 2 ** -128])
    expect([...nativeBuckets(h?.positive_span, h?.positive_delta)]).toEqual([
      [-1700, 1],
      [-1275, 2],
      [-1072, 2],
      [-255, 1],
    ])
    const requests = families[2]?.metric.map((m) => [m.label?.at(-1)?.value, m.counter?.value])
    expect(requests).toEqual([
      ['success', 6],
      ['error', 1],
    ])
    const batch = families[10]?.metric[0]?.histogram
    // 64 and 128 are 64 000 and 128 000 milli-units, HDR buckets [64 000, 64 255] and [128 000, 128 511]:
    // midpoints 64.1275 and 128.2555 → ceil(log2(x)·128) = ceil(768.4) = 769 and ceil(896.4) = 897.
    expect([batch?.sample_count, batch?.sample_sum, batch?.bucket ?? []]).toEqual([2, 192, []])
    expect([...nativeBuckets(batch?.positive_span, batch?.positive_delta)]).toEqual([
      [769, 1],
      [897, 1],
    ])
  })
})

describe('--native-histograms=false', () => {
  it('sends classic histograms only: no native fields, no <name>_histogram companion', async () => {
    const families = decodeMetricFamilies(
      await new ProtobufExposition().render([new FamilySources(fixedAggregator(), BUCKETS, null)]),
    )
    const h = families[0]?.metric[0]?.histogram
    expect([h?.sample_count, h?.bucket?.length, h?.schema, h?.zero_threshold, h?.positive_span ?? []]).toEqual([
      7,
      4,
      undefined,
      undefined,
      [],
    ])
    expect(families.map((f) => f.name)).not.toContain('batch_size_histogram')
  })
})

describe('protobuf answer vs text answer', () => {
  it('has every text family, with the same type and identical values', async () => {
    const renderer = fixedRenderer(fixedAggregator(), BUCKETS)
    const text = await renderer.renderOwn()
    const families = decodeMetricFamilies(await renderer.renderProtobuf())
    const protoTypes = new Map(families.map((f) => [f.name, f.type]))
    for (const [name, type] of textFamilyTypes(text)) expect(protoTypes.get(name), name).toBe(type)
    expect(protoTypes.get('batch_size_histogram')).toBe('HISTOGRAM')
    const fromText = flattenText(text)
    const fromProto = flattenFamilies(families.filter((f) => f.name !== 'batch_size_histogram'))
    expect(fromText.size).toBeGreaterThan(80)
    expect(fromProto).toEqual(fromText)
  })
})

describe('Accept negotiation', () => {
  it("answers protobuf to Prometheus' native-histogram Accept header and text otherwise", () => {
    const prometheusNative =
      'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'
    const prometheusClassic =
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'
    expect(prefersProtobuf(prometheusNative)).toBe(true)
    expect(prefersProtobuf(prometheusClassic)).toBe(false)
    expect(prefersProtobuf(undefined)).toBe(false)
    expect(prefersProtobuf('*/*')).toBe(false)
    expect(
      prefersProtobuf('application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=text'),
    ).toBe(false)
    expect(
      prefersProtobuf(
        'text/plain;q=0.9, application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.5',
      ),
    ).toBe(false)
    expect(
      prefersProtobuf(
        'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited; q=0',
      ),
    ).toBe(false)
  })
})
