// Exemplars in the answers that carry them: OpenMetrics text (on `_bucket` lines, with the
// OpenMetrics family headers and `# EOF`) and protobuf (Bucket.exemplar, Histogram.exemplars);
// the 0.0.4 text stays byte for byte what it was without them.
import { describe, expect, it } from 'vitest'
import { decodeMetricFamilies } from '../../../../test/harness/prometheus-proto.js'
import type { Aggregator } from '../../aggregate/aggregator.js'
import { ExemplarRecorder } from '../../aggregate/exemplar-recorder.js'
import { fixedAggregator, fixedRenderer } from './fixed-state.test-support.js'
import { openMetricsHeader } from './openmetrics-format.js'

const BOUNDS = [0.001, 0.01, 0.1, 1]
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const SPAN = '00f067aa0ba902b7'
const IDS = Buffer.from(TRACE + SPAN, 'hex')
const UNIX_MS = 1_733_550_000_123

/** fixedAggregator() with exemplars on checkout's 0.1 and +Inf buckets (requests of 67 and 2000 ms). */
function withExemplars(): Aggregator {
  const aggregator = fixedAggregator()
  const recorder = new ExemplarRecorder(BOUNDS, () => UNIX_MS)
  const checkout = aggregator.tasks.values().next().value
  if (checkout === undefined) throw new Error('no task')
  for (const ms of [67, 2000]) {
    aggregator.recordRequest(checkout, ms, false, 1)
    recorder.recordTask(checkout, ms, IDS)
  }
  return aggregator
}

function plainTwin(): Aggregator {
  const aggregator = fixedAggregator()
  const checkout = aggregator.tasks.values().next().value
  if (checkout === undefined) throw new Error('no task')
  for (const ms of [67, 2000]) aggregator.recordRequest(checkout, ms, false, 1)
  return aggregator
}

const exemplarText = (value: string) => ` # {trace_id="${TRACE}",span_id="${SPAN}"} ${value} 1733550000.123`

describe('OpenMetrics text', () => {
  it('puts each bucket latest exemplar after its sample, and only there', async () => {
    const body = (await fixedRenderer(withExemplars(), BOUNDS).renderOpenMetricsBody()).toString()
    const buckets = body.split('\n').filter((line) => line.startsWith('task_duration_seconds_bucket'))
    expect(buckets).toEqual([
      'task_duration_seconds_bucket{task="checkout",region="eu",le="0.001"} 4',
      'task_duration_seconds_bucket{task="checkout",region="eu",le="0.01"} 6',
      `task_duration_seconds_bucket{task="checkout",region="eu",le="0.1"} 7${exemplarText('0.067')}`,
      'task_duration_seconds_bucket{task="checkout",region="eu",le="1"} 8',
      `task_duration_seconds_bucket{task="checkout",region="eu",le="+Inf"} 9${exemplarText('2')}`,
    ])
  })

  it('names counter families without _total, ends with # EOF once, and keeps the samples of the text format', async () => {
    const renderer = fixedRenderer(withExemplars(), BOUNDS)
    const om = (await renderer.renderOpenMetricsBody()).toString()
    const text = (await renderer.renderBody()).toString()
    expect(om.endsWith('\n# EOF\n')).toBe(true)
    expect(om.indexOf('# EOF')).toBe(om.length - 6)
    expect(om).toContain('# TYPE requests counter\nrequests_total{task="checkout",region="eu",status="success"} 8\n')
    expect(om).toContain('# HELP orders User counter orders\n# TYPE orders counter\norders_total{payment="card"} 3\n')
    const samples = (body: string) =>
      body
        .split('\n')
        .filter((line) => line !== '' && !line.startsWith('#'))
        .map((line) => line.replace(/ # \{.*$/, ''))
    expect(samples(om)).toEqual(samples(text))
  })

  it('types a counter that cannot take the _total suffix, and untyped families, as unknown', () => {
    expect(openMetricsHeader('hits', 'counter', 'a "quoted"\nhelp')).toBe(
      '# HELP hits a \\"quoted\\"\\nhelp\n# TYPE hits unknown\n',
    )
    expect(openMetricsHeader('x', 'untyped', 'h')).toContain('# TYPE x unknown')
    expect(openMetricsHeader('_total', 'counter', 'h')).toContain('# TYPE _total unknown')
    expect(openMetricsHeader('a_total', 'gauge', 'h')).toContain('# TYPE a_total gauge')
  })

  it('copies an unchanged task from the last body, and shows a new exemplar once its request arrives', async () => {
    const aggregator = withExemplars()
    const renderer = fixedRenderer(aggregator, BOUNDS)
    const first = (await renderer.renderOpenMetricsBody()).toString()
    expect((await renderer.renderOpenMetricsBody()).toString()).toBe(first)
    const checkout = aggregator.tasks.values().next().value
    if (checkout === undefined) throw new Error('no task')
    aggregator.recordRequest(checkout, 0.5, false, 1)
    new ExemplarRecorder(BOUNDS, () => UNIX_MS + 1000).recordTask(checkout, 0.5, IDS)
    const next = (await renderer.renderOpenMetricsBody()).toString()
    expect(next).toContain(`le="0.001"} 5 # {trace_id="${TRACE}",span_id="${SPAN}"} 0.0005 1733550001.123`)
  })
})

describe('text format 0.0.4', () => {
  it('comes out whole when scrapes alternate with OpenMetrics ones (one text walk serves both)', async () => {
    const aggregator = withExemplars()
    const renderer = fixedRenderer(aggregator, BOUNDS)
    const text = (await renderer.renderBody()).toString()
    const om = (await renderer.renderOpenMetricsBody()).toString()
    for (let i = 0; i < 2; i++) {
      expect((await renderer.renderBody()).toString()).toBe(text)
      expect((await renderer.renderOpenMetricsBody()).toString()).toBe(om)
    }
    expect(text).not.toContain('# EOF')
    expect((await fixedRenderer(aggregator, BOUNDS).renderBody()).toString()).toBe(text)
  })

  it('is byte for byte the body of the same counts without exemplars (but the bytes they take)', async () => {
    const withThem = await fixedRenderer(withExemplars(), BOUNDS).renderOwn()
    const without = await fixedRenderer(plainTwin(), BOUNDS).renderOwn()
    expect(withThem).not.toContain('trace_id')
    const held = /^taskmeter_exemplar_bytes (\d+)$/m
    expect(Number(held.exec(withThem)?.[1])).toBeGreaterThan(0)
    expect(withThem.replace(held, '')).toBe(without.replace(held, ''))
  })
})

describe('protobuf', () => {
  it('carries the exemplars on their classic buckets, an explicit +Inf one, and on the native histogram', async () => {
    const families = decodeMetricFamilies(await fixedRenderer(withExemplars(), BOUNDS).renderProtobuf())
    const histogram = families.find((f) => f.name === 'task_duration_seconds')?.metric[0]?.histogram
    const buckets = histogram?.bucket ?? []
    expect(buckets.map((b) => b.upper_bound)).toEqual([0.001, 0.01, 0.1, 1, Number.POSITIVE_INFINITY])
    expect(buckets.map((b) => b.exemplar !== undefined)).toEqual([false, false, true, false, true])
    const expected = {
      label: [
        { name: 'trace_id', value: TRACE },
        { name: 'span_id', value: SPAN },
      ],
      value: 0.067,
      timestamp: { seconds: 1_733_550_000, nanos: 123_000_000 },
    }
    expect(buckets[2]?.exemplar).toEqual(expected)
    expect(buckets[4]?.cumulative_count).toBe(histogram?.sample_count)
    expect(histogram?.exemplars).toEqual([expected, { ...expected, value: 2 }])
  })

  it('writes no +Inf bucket nor native exemplars for a task without exemplars', async () => {
    const families = decodeMetricFamilies(await fixedRenderer(plainTwin(), BOUNDS).renderProtobuf())
    const histogram = families.find((f) => f.name === 'task_duration_seconds')?.metric[0]?.histogram
    expect(histogram?.bucket?.map((b) => b.upper_bound)).toEqual(BOUNDS)
    expect(histogram?.exemplars ?? []).toEqual([])
  })
})
