// The text answer: golden bytes for fixed inputs (the same state must give the same body, byte for
// byte); the sample lines of each sink call; the self families straight from their
// registry; the walk pauses for the event loop.
import { readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { sampleValue } from '../../../../test/harness/prometheus-text.js'
import { Aggregator } from '../../aggregate/aggregator.js'
import { SeriesLabels } from './family-sink.js'
import { FamilySources, emitAll } from './family-sources.js'
import { RenderPause } from './render-pause.js'
import { fixedAggregator, fixedRenderer } from './fixed-state.test-support.js'
import { SelfMetrics } from '../../self-metrics/self-registry.js'
import { encodeText as encode, selfFamiliesText } from './text-encode.test-support.js'
import { TextFamilyEncoder } from './text-family-encoder.js'

const GOLDEN = new URL('./testdata/text-exposition.golden.txt', import.meta.url)

/** fixedAggregator() and what it lacks: an idle task, escaped and non-ASCII label text, an empty
 * histogram, a set. */
function richAggregator(): Aggregator {
  const aggregator = fixedAggregator()
  aggregator.task('idle', null)
  const odd = aggregator.task('odd', [['note', 'say "hi"\\\n é']])
  const empty = aggregator.series('histogram', 'batch_size', [['kind', 'none']])
  const users = aggregator.series('set', 'users', null)
  if (odd === null || empty === null || users === null) throw new Error('no series')
  aggregator.recordRequest(odd, 12.5, false, 2)
  aggregator.addSetMember(users, 7)
  return aggregator
}

describe('text exposition, golden bytes', () => {
  it('matches the committed body (UPDATE_GOLDEN=1 rewrites it after a deliberate change)', async () => {
    const renderer = fixedRenderer(richAggregator(), [0.001, 0.01, 0.1, 1])
    const body = await renderer.renderOwn()
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, body)
    expect(body).toBe(readFileSync(GOLDEN, 'utf8'))
    // A second render reuses the writer and the cached label bytes: the same body.
    expect(await renderer.renderOwn()).toBe(body)
  })
})

describe('TextFamilyEncoder', () => {
  const labelled = new SeriesLabels(['task', 'k'], ['a"b', 'x\\y\nz'])
  const none = new SeriesLabels([], [])

  it('writes values with and without labels, a trailing label, and any number', () => {
    const text = encode((e) => {
      e.family('up_total', 'Help with \\ and\nnewline', 'counter')
      e.value(labelled, 'status', 'er"r', 3)
      e.value(none, null, null, 0.25)
      e.value(none, 'status', 'ok', Number.NaN)
      e.family('temp', 'x', 'gauge')
      e.value(labelled, null, null, -Infinity)
      e.value(none, null, null, 1e21)
    })
    expect(text).toBe(
      '# HELP up_total Help with \\\\ and\\nnewline\n# TYPE up_total counter\n' +
        'up_total{task="a\\"b",k="x\\\\y\\nz",status="er\\"r"} 3\n' +
        'up_total 0.25\n' +
        'up_total{status="ok"} NaN\n' +
        '# HELP temp x\n# TYPE temp gauge\n' +
        'temp{task="a\\"b",k="x\\\\y\\nz"} -Inf\n' +
        'temp 1e+21\n',
    )
  })

  it('writes summaries and histograms, whatever keys each series brings', () => {
    const text = encode((e) => {
      e.family('lat', 'L', 'summary')
      e.summary(labelled, 2, 0.5, [0.5, 0.99], [0.1, Number.NaN])
      e.summary(none, 0, 0, [0.9], [Number.NaN])
      e.family('h', 'H', 'histogram')
      e.histogram(none, 3, 1.5, [0.1, 1], [1, 2], null)
      e.histogram(labelled, 1, 2, [], [], null)
      e.histogram(none, 4, 8, [2.5], [4], null)
    })
    expect(text).toBe(
      '# HELP lat L\n# TYPE lat summary\n' +
        'lat{task="a\\"b",k="x\\\\y\\nz",quantile="0.5"} 0.1\n' +
        'lat{task="a\\"b",k="x\\\\y\\nz",quantile="0.99"} NaN\n' +
        'lat_sum{task="a\\"b",k="x\\\\y\\nz"} 0.5\n' +
        'lat_count{task="a\\"b",k="x\\\\y\\nz"} 2\n' +
        'lat{quantile="0.9"} NaN\nlat_sum 0\nlat_count 0\n' +
        '# HELP h H\n# TYPE h histogram\n' +
        'h_bucket{le="0.1"} 1\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 3\nh_sum 1.5\nh_count 3\n' +
        'h_bucket{task="a\\"b",k="x\\\\y\\nz",le="+Inf"} 1\n' +
        'h_sum{task="a\\"b",k="x\\\\y\\nz"} 2\n' +
        'h_count{task="a\\"b",k="x\\\\y\\nz"} 1\n' +
        'h_bucket{le="2.5"} 4\nh_bucket{le="+Inf"} 4\nh_sum 8\nh_count 4\n',
    )
  })

  it('writes the self families straight from the registry, one label as the extra, escaped', () => {
    const registry = new SelfMetrics().register(
      { name: 'x_received_total', help: 'Received', type: 'counter', read: () => 12 },
      {
        name: 'x_pending',
        help: 'Queued',
        type: 'gauge',
        label: { name: 'remote', values: ['http://a/"b\\', 'c'] },
        read: (i: number) => 5 + i,
      },
    )
    expect(selfFamiliesText(registry)).toBe(
      '# HELP x_received_total Received\n# TYPE x_received_total counter\nx_received_total 12\n' +
        '# HELP x_pending Queued\n# TYPE x_pending gauge\n' +
        'x_pending{remote="http://a/\\"b\\\\"} 5\nx_pending{remote="c"} 6\n',
    )
  })
})

describe('the text walk', () => {
  it('gives the event loop back when the pause is due', async () => {
    const aggregator = new Aggregator({ windowSeconds: 60, precision: 2, maxSeries: 1000, now: () => 1000 })
    for (let i = 0; i < 300; i++) aggregator.task(`t${i}`, null)
    let resumed = 0
    const pause = new RenderPause()
    pause.due = () => true
    pause.resume = async () => {
      resumed++
    }
    const encoder = new TextFamilyEncoder()
    encoder.reset()
    await emitAll([new FamilySources(aggregator, [0.1], null)], encoder, pause)
    // Every series of the two read-heavy families, and every 256th of the others.
    expect(resumed).toBeGreaterThanOrEqual(600)
  })

  it('reads each task once: requests that land during its pauses change no family half-way', async () => {
    const aggregator = new Aggregator({ windowSeconds: 60, precision: 2, maxSeries: 10, now: () => 1000 })
    const task = aggregator.task('a', null)
    aggregator.task('b', null)
    if (task === null) throw new Error('no task')
    const pause = new RenderPause()
    pause.due = () => true
    pause.resume = async () => {
      aggregator.recordRequest(task, 5, false, 1)
      aggregator.recordRequest(task, 5, true, 1)
    }
    const encoder = new TextFamilyEncoder()
    encoder.reset()
    await emitAll([new FamilySources(aggregator, [0.1], null)], encoder, pause)
    const parts: Uint8Array[] = []
    encoder.viewsInto(parts)
    const text = Buffer.concat(parts).toString()
    const count = sampleValue(text, 'task_duration_seconds_count', { task: 'a' })
    expect(count).toBe(2)
    expect(sampleValue(text, 'task_duration_window_seconds_count', { task: 'a' })).toBe(count)
    expect(sampleValue(text, 'requests_total', { task: 'a', status: 'success' })).toBe(1)
    expect(sampleValue(text, 'requests_total', { task: 'a', status: 'error' })).toBe(1)
    expect(sampleValue(text, 'tasks_completed_total', { task: 'a' })).toBe(count)
    expect(sampleValue(text, 'tasks_failed_total', { task: 'a' })).toBe(1)
    expect(task.completed).toBeGreaterThan(2)
  })
})
