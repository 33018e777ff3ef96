import { describe, expect, it } from 'vitest'
import { type Tags, aggregator, seriesOf, taskOf } from './aggregator.test-support.js'
import { msToUs } from './bucket-layout.js'

describe('series cap (--max-series)', () => {
  it('is shared by tasks and custom series; past it new series are null and counted', () => {
    const agg = aggregator(3)
    taskOf(agg, 'a')
    seriesOf(agg, 'counter', 'hits')
    taskOf(agg, 'b')
    expect(agg.seriesCount).toBe(3)

    expect(agg.task('c', null)).toBeNull()
    expect(agg.seriesDropped).toBe(1)
    expect(agg.series('gauge', 'queue', null)).toBeNull()
    expect(agg.series('histogram', 'batch', [['k', 'v']])).toBeNull()
    expect(agg.task('a', [['region', 'eu']])).toBeNull() // a new tag set is a new series
    expect(agg.seriesDropped).toBe(4)
    expect(agg.seriesCount).toBe(3)
    expect(agg.tasks.size + agg.custom.size).toBe(3)
  })

  it('still serves existing series at the cap, without counting a drop', () => {
    const agg = aggregator(2)
    const a = taskOf(agg, 'a')
    const hits = seriesOf(agg, 'counter', 'hits')
    for (let i = 0; i < 1_000; i++) {
      expect(agg.task('a', null)).toBe(a)
      expect(agg.series('counter', 'hits', null)).toBe(hits)
      expect(agg.task(`new-${i}`, null)).toBeNull()
    }
    expect(agg.seriesDropped).toBe(1_000)
    expect(agg.seriesCount).toBe(2)
  })
})

describe('custom series types', () => {
  it('refuses a family already used with another type, counted as type_conflict', () => {
    const agg = aggregator()
    seriesOf(agg, 'histogram', 'batch_size')
    expect(agg.series('gauge', 'batch_size', null)).toBeNull()
    expect(agg.series('gauge', 'batch_size', [['other', 'tags']])).toBeNull()
    expect(agg.drops.get('type_conflict')).toBe(2)
    seriesOf(agg, 'counter', 'jobs_total')
    expect(agg.series('gauge', 'jobs_total', null)).toBeNull()
    expect(agg.drops.get('type_conflict')).toBe(3)
    expect(agg.seriesDropped).toBe(0)
    expect(agg.seriesCount).toBe(2)
  })

  it('merges counters sent with and without the _total suffix', () => {
    const agg = aggregator()
    const plain = seriesOf(agg, 'counter', 'retries')
    expect(agg.series('counter', 'retries_total', null)).toBe(plain)
    expect(plain.family).toBe('retries_total')
  })

  it('sanitizes metric names to the Prometheus charset', () => {
    const agg = aggregator()
    expect(seriesOf(agg, 'gauge', 'queue.depth-eu').family).toBe('queue_depth_eu')
    expect(seriesOf(agg, 'gauge', '5xx').family).toBe('_5xx')
    expect(seriesOf(agg, 'counter', 'http:requests').family).toBe('http:requests_total')
    const series = seriesOf(agg, 'histogram', 'batch size')
    expect(series.family).toBe('batch_size')
    expect(series.name).toBe('batch size')
    expect(series.displayId).toBe('batch size')
  })
})

describe('label canonicalization', () => {
  it('makes tag order irrelevant', () => {
    const agg = aggregator()
    const ab = taskOf(agg, 'predict', [
      ['b', '1'],
      ['a', '2'],
    ])
    const ba = taskOf(agg, 'predict', [
      ['a', '2'],
      ['b', '1'],
    ])
    expect(ba).toBe(ab)
    expect(ab.labels).toEqual([
      ['a', '2'],
      ['b', '1'],
    ])
    expect(ab.id).toBe('predict{a="2",b="1"}')
    expect(agg.tasks.size).toBe(1)
    const counter = seriesOf(agg, 'counter', 'hits', [
      ['z', 'x'],
      ['y', 'w'],
    ])
    expect(
      agg.series('counter', 'hits', [
        ['y', 'w'],
        ['z', 'x'],
      ]),
    ).toBe(counter)
  })

  it('treats no tags and an empty tag list as the same series', () => {
    const agg = aggregator()
    expect(taskOf(agg, 'predict', [])).toBe(taskOf(agg, 'predict', null))
    expect(taskOf(agg, 'predict', null).id).toBe('predict')
  })

  it('sanitizes tag keys to the label charset', () => {
    const agg = aggregator()
    const task = taskOf(agg, 'predict', [
      ['http.method', 'GET'],
      ['9lives', 'x'],
      ['__name__', 'y'],
      ['région', 'eu'],
    ])
    expect(task.labels.map((pair) => pair[0])).toEqual(['_9lives', 'http_method', 'r_gion', 'tag__name__'])
    for (const [name] of task.labels) expect(name).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/)
    for (const [name] of task.labels) expect(name.startsWith('__')).toBe(false)
    // Values are kept as sent (the renderer escapes them).
    expect(task.labels.find((pair) => pair[0] === 'http_method')?.[1]).toBe('GET')
  })

  it('renames tag keys that clash with the labels the agent sets', () => {
    const agg = aggregator()
    const tags: Tags = [
      ['le', '1'],
      ['quantile', '2'],
      ['task', '3'],
      ['status', '4'],
      ['job', '5'],
      ['instance', '6'],
    ]
    const task = taskOf(agg, 'predict', tags)
    expect(task.labels).toEqual([
      ['tag_instance', '6'],
      ['tag_job', '5'],
      ['tag_le', '1'],
      ['tag_quantile', '2'],
      ['tag_status', '4'],
      ['tag_task', '3'],
    ])
    const histogram = seriesOf(agg, 'histogram', 'batch', [['le', '0.5']])
    expect(histogram.labels).toEqual([['tag_le', '0.5']])
  })
})

describe('requests', () => {
  it('counts every request as completed: completed = success + errors', () => {
    const agg = aggregator()
    const task = taskOf(agg, 'predict')
    let sumMs = 0
    for (let i = 0; i < 1_000; i++) {
      const durationMs = 1 + (i % 97) * 0.25
      agg.recordRequest(task, durationMs, i % 20 === 0, 1)
      sumMs += durationMs
    }
    expect(task.success).toBe(950)
    expect(task.errors).toBe(50)
    expect(task.completed).toBe(1_000)
    expect(task.histogram.totalCount).toBe(1_000)
    expect(task.sumMs).toBe(sumMs)
    expect(task.lastUpdateMs).toBeGreaterThan(0)
  })

  it('weighs a sampled request by its weight everywhere', () => {
    const agg = aggregator()
    const task = taskOf(agg, 'predict')
    agg.recordRequest(task, 2.5, false, 10)
    agg.recordRequest(task, 4, true, 4)
    expect(task.success).toBe(10)
    expect(task.errors).toBe(4)
    expect(task.completed).toBe(14)
    expect(task.histogram.totalCount).toBe(14)
    expect(task.sumMs).toBe(2.5 * 10 + 4 * 4)
    let atValue = 0
    task.histogram.forEachBucket((flat, count) => {
      if (agg.layout.lowestOfFlat(flat) <= msToUs(2.5) && msToUs(2.5) <= agg.layout.highestOfFlat(flat)) atValue = count
    })
    expect(atValue).toBe(10)
  })
})

describe('custom metrics', () => {
  it('adds counters, sets and moves gauges', () => {
    const agg = aggregator()
    const hits = seriesOf(agg, 'counter', 'hits')
    agg.addCounter(hits, 1)
    agg.addCounter(hits, 2.5)
    expect(hits.value).toBe(3.5)
    const queue = seriesOf(agg, 'gauge', 'queue')
    agg.setGauge(queue, 12)
    agg.addGauge(queue, -5)
    expect(queue.value).toBe(7)
    agg.setGauge(queue, 1)
    expect(queue.value).toBe(1)
  })

  it('records histogram observations with their weight and drops negative ones', () => {
    const agg = aggregator()
    const batch = seriesOf(agg, 'histogram', 'batch')
    agg.observe(batch, 64, 1)
    agg.observe(batch, 0.25, 4)
    agg.observe(batch, 0, 1)
    agg.observe(batch, -1, 1)
    agg.observe(batch, -0.001, 10)
    expect(batch.histogram?.totalCount).toBe(6)
    expect(batch.sum).toBe(65)
    expect(agg.drops.get('negative_histogram_value')).toBe(2)
    expect(agg.drops.get('type_conflict')).toBe(0)
  })

  it('refuses values past what a histogram holds and deltas that would overflow, never clamping', () => {
    const agg = aggregator()
    const task = agg.task('slow', null)
    if (task === null) throw new Error('no task')
    agg.recordRequest(task, 1e308, false, 1)
    agg.recordRequest(task, 1_099_511_627.776, false, 1) // 2^40 µs: the largest duration kept
    agg.recordRequest(task, 5, false, 1)
    expect(task.success).toBe(2)
    expect(Number.isFinite(task.sumMs)).toBe(true)
    const batch = seriesOf(agg, 'histogram', 'huge')
    agg.observe(batch, 1e308, 1)
    agg.observe(batch, 1_099_511_627.776, 1)
    expect(batch.histogram?.totalCount).toBe(1)
    const hits = seriesOf(agg, 'counter', 'hits')
    agg.addCounter(hits, Number.MAX_VALUE)
    agg.addCounter(hits, Number.MAX_VALUE)
    expect(hits.value).toBe(Number.MAX_VALUE)
    const level = seriesOf(agg, 'gauge', 'level')
    agg.setGauge(level, -Number.MAX_VALUE)
    agg.addGauge(level, -Number.MAX_VALUE)
    expect(level.value).toBe(-Number.MAX_VALUE)
    expect(agg.drops.get('value_out_of_range')).toBe(4)
  })
})
