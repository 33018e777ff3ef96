// WriteRequest encoding: sorted labels with __name__, --label merging, classic + native histogram
// series, summaries, request splitting; decoded by snappyjs + protobufjs (test/harness).
import snappyjs from 'snappyjs'
import { describe, expect, it } from 'vitest'
import { type DecodedSeries, decodeWriteRequest, nativeBuckets } from '../../../test/harness/prometheus-proto.js'
import { Aggregator } from '../aggregate/aggregator.js'
import { FamilySources, emitAll } from '../expose/prometheus/family-sources.js'
import { RenderPause } from '../expose/prometheus/render-pause.js'
import { SelfFamilySource } from '../expose/prometheus/self-family-source.js'
import { SelfMetrics } from '../self-metrics/self-registry.js'
import { TimeSeriesEncoder } from './time-series-encoder.js'

function aggregator(): Aggregator {
  const a = new Aggregator({ windowSeconds: 60, precision: 2, maxSeries: 100, now: () => 5000 })
  const task = a.task('checkout', [
    ['Zone', 'z1'],
    ['region', 'own'],
  ])
  const batch = a.series('histogram', 'batch', null)
  if (task === null || batch === null) throw new Error('no series')
  for (const ms of [0, 1, 3, 250]) a.recordRequest(task, ms, false, 1)
  a.observe(batch, 64, 1)
  return a
}

function decode(bodies: Uint8Array[]): DecodedSeries[] {
  return bodies.flatMap((body) => decodeWriteRequest(snappyjs.uncompress(body) as Uint8Array))
}

function labelsOf(series: DecodedSeries): string[] {
  return series.labels.map((l) => `${l.name}=${l.value}`)
}

describe('TimeSeriesEncoder', () => {
  const sources = new FamilySources(aggregator(), [0.001, 0.01], { schema: 7, maxBuckets: 160 })
  const selfFamilies = new SelfFamilySource(
    new SelfMetrics().register({ name: 'taskmeter_series', help: 'x', type: 'gauge', read: () => 2 }),
  )

  it('writes sorted labels with __name__, external labels merged (the series own label wins)', async () => {
    const encoder = new TimeSeriesEncoder([
      ['job', 'api'],
      ['region', 'pod-1'],
    ])
    encoder.begin(1_700_000_000_123)
    await emitAll([sources, selfFamilies], encoder, new RenderPause())
    const series = decode(encoder.finish().map((r) => r.body))
    for (const s of series) {
      const names = s.labels.map((l) => l.name)
      expect(names, labelsOf(s).join(',')).toEqual([...names].sort())
    }
    const completed = series.find((s) =>
      s.labels.some((l) => l.name === '__name__' && l.value === 'tasks_completed_total'),
    )
    expect(completed && labelsOf(completed)).toEqual([
      'Zone=z1',
      '__name__=tasks_completed_total',
      'job=api',
      'region=own',
      'task=checkout',
    ])
    expect(completed?.samples).toEqual([{ value: 4, timestamp: 1_700_000_000_123 }])
    const self = series.find((s) => s.labels.some((l) => l.value === 'taskmeter_series'))
    expect(self && labelsOf(self)).toEqual(['__name__=taskmeter_series', 'job=api', 'region=pod-1'])
    const bucket = series
      .filter((s) => s.labels.some((l) => l.value === 'task_duration_seconds_bucket'))
      .map((s) => [s.labels.find((l) => l.name === 'le')?.value, s.samples[0]?.value])
    expect(bucket).toEqual([
      ['0.001', 2],
      ['0.01', 3],
      ['+Inf', 4],
    ])
    const quantiles = series
      .filter((s) => s.labels.some((l) => l.value === 'task_duration_window_seconds'))
      .map((s) => s.labels.find((l) => l.name === 'quantile')?.value)
    expect(quantiles).toEqual(['0.5', '0.95', '0.99', '0.999'])
  })

  it('sends native histograms with the buckets of the protobuf exposition', async () => {
    const encoder = new TimeSeriesEncoder([])
    encoder.begin(42)
    await emitAll([sources], encoder, new RenderPause())
    const series = decode(encoder.finish().map((r) => r.body))
    const native = series.find((s) => labelsOf(s).includes('__name__=task_duration_seconds'))?.histograms[0]
    expect([
      native?.count_int,
      native?.sum,
      native?.schema,
      native?.zero_count_int,
      native?.zero_threshold,
      native?.timestamp,
    ]).toEqual([4, 0.254, 7, 1, 2 ** -128, 42])
    // 1 ms → HDR [1000, 1003] µs → −1275; 3 ms → −1072; 250 ms → −255 (see protobuf-exposition.test.ts).
    expect([...nativeBuckets(native?.positive_spans, native?.positive_deltas)]).toEqual([
      [-1275, 1],
      [-1072, 1],
      [-255, 1],
    ])
    const companion = series.filter((s) => labelsOf(s).some((l) => l.startsWith('__name__=batch_histogram')))
    expect(companion.map((s) => [labelsOf(s), s.samples.length, s.histograms.length])).toEqual([
      [['__name__=batch_histogram'], 0, 1],
    ])
  })

  it('splits a snapshot into requests of about samplesPerRequest samples, at series boundaries', async () => {
    const encoder = new TimeSeriesEncoder([], 5)
    encoder.begin(1)
    await emitAll([sources, selfFamilies], encoder, new RenderPause())
    const requests = encoder.finish()
    expect(requests.length).toBeGreaterThan(3)
    const total = requests.reduce((sum, r) => sum + r.samples, 0)
    expect(decode(requests.map((r) => r.body)).length).toBe(total)
    for (const r of requests) expect(r.samples).toBeLessThanOrEqual(5 + 6)
  })
})
