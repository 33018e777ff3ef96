// Table-driven StatsD / DogStatsD lines: each row is one datagram through the real
// DatagramRouter into a real Aggregator, with the effect it must have — the series it touches and
// their figures, the events by kind, and the reasons of rejected lines. Every LINE_REASONS entry has
// a row (line_too_long comes from the TCP framer: ingest/line-framer.test.ts).
import { describe, expect, it } from 'vitest'
import { type Row, itRows } from './statsd-line.test-support.js'
import { LINE_REASONS } from './statsd-reasons.js'

const tags17 = Array.from({ length: 17 }, (_, i) => `k${i}:v`).join(',')

const ROWS: Row[] = [
  // Timers are requests of the task named by the metric (ms).
  { text: 'page.load:12.5|ms', effects: [{ task: 'page.load', count: 1, sumMs: 12.5 }], kinds: { timing: 1 } },
  { text: 'api:3|ms|@0.5', effects: [{ task: 'api', count: 2, sumMs: 6 }], kinds: { timing: 1 } },
  { text: 'api:3|ms|@0.1', effects: [{ task: 'api', count: 10, sumMs: 30 }], kinds: { timing: 1 } },
  { text: 'api:1:2:3|ms', effects: [{ task: 'api', count: 3, sumMs: 6 }], kinds: { timing: 3 } },
  { text: 'api:1|ms:2|ms', effects: [{ task: 'api', count: 2, sumMs: 3 }], kinds: { timing: 2 } },
  { text: 'api:1:2|ms|@0.5', effects: [{ task: 'api', count: 4, sumMs: 6 }], kinds: { timing: 2 } },
  {
    text: 'api:7|ms|#env:prod,region:eu',
    effects: [{ task: 'api', labels: { env: 'prod', region: 'eu' }, count: 1, sumMs: 7 }],
    kinds: { timing: 1 },
  },
  {
    text: 'api:7|ms|#region:eu,env:prod\napi:1|ms|#env:prod,region:eu',
    effects: [{ task: 'api', labels: { env: 'prod', region: 'eu' }, count: 2, sumMs: 8 }],
    kinds: { timing: 2 },
  },
  {
    text: 'api:7|ms|c:abc123',
    effects: [{ task: 'api', labels: { container_id: 'abc123' }, count: 1, sumMs: 7 }],
    kinds: { timing: 1 },
  },
  {
    text: 'api:7|ms|#env:prod|c:abc',
    effects: [{ task: 'api', labels: { env: 'prod', container_id: 'abc' }, count: 1, sumMs: 7 }],
    kinds: { timing: 1 },
  },
  {
    text: 'api:7|ms|#container_id:x|c:y',
    effects: [{ task: 'api', labels: { container_id: 'y' }, count: 1, sumMs: 7 }],
    kinds: { timing: 1 },
  },
  { text: 'api:7|ms|T1700000000', effects: [{ task: 'api', count: 1, sumMs: 7 }], kinds: { timing: 1 } },
  { text: 'api:0|ms', effects: [{ task: 'api', count: 1, sumMs: 0 }], kinds: { timing: 1 } },
  { text: 'api:1e3|ms', effects: [{ task: 'api', count: 1, sumMs: 1000 }], kinds: { timing: 1 } },
  { text: 'api:.5|ms', effects: [{ task: 'api', count: 1, sumMs: 0.5 }], kinds: { timing: 1 } },
  { text: 'api:+5|ms', effects: [{ task: 'api', count: 1, sumMs: 5 }], kinds: { timing: 1 } },
  { text: 'api:1|ms\r\napi:2|ms\r\n', effects: [{ task: 'api', count: 2, sumMs: 3 }], kinds: { timing: 2 } },
  { text: '\n\napi:1|ms\n\n', effects: [{ task: 'api', count: 1, sumMs: 1 }], kinds: { timing: 1 } },
  { text: 'api:2|ms|e:it-external|card:low', effects: [{ task: 'api', count: 1, sumMs: 2 }], kinds: { timing: 1 } },
  { text: 'api:2|ms|', effects: [{ task: 'api', count: 1, sumMs: 2 }], kinds: { timing: 1 } },
  { text: 'api:2|ms||@0.5', effects: [{ task: 'api', count: 2, sumMs: 4 }], kinds: { timing: 1 } },
  {
    text: 'api:5|ms|#env:prod|@0.5',
    effects: [{ task: 'api', labels: { env: 'prod' }, count: 2, sumMs: 10 }],
    kinds: { timing: 1 },
  },
  {
    text: 'api:1|ms|#url:http://x:8080',
    effects: [{ task: 'api', labels: { url: 'http://x:8080' }, count: 1, sumMs: 1 }],
    kinds: { timing: 1 },
  },
  // A bare tag is the label <tag>="true".
  {
    text: 'api:1|ms|#canary,env:prod',
    effects: [{ task: 'api', labels: { canary: 'true', env: 'prod' }, count: 1, sumMs: 1 }],
    kinds: { timing: 1 },
  },
  {
    text: 'hits:1|c|#env',
    effects: [{ counter: 'hits_total', labels: { env: 'true' }, value: 1 }],
    kinds: { count: 1 },
  },
  {
    text: 'api:1|ms|#a:1|#b:2',
    effects: [{ task: 'api', labels: { b: '2' }, count: 1, sumMs: 1 }],
    kinds: { timing: 1 },
  },
  { text: 'ÿ€:1|ms', effects: [{ task: 'ÿ€', count: 1, sumMs: 1 }], kinds: { timing: 1 } },
  // Counters add value / rate; names are sanitized and end in _total.
  { text: 'hits:1|c', effects: [{ counter: 'hits_total', value: 1 }], kinds: { count: 1 } },
  { text: 'hits:5|c|@0.5', effects: [{ counter: 'hits_total', value: 10 }], kinds: { count: 1 } },
  { text: 'hits:3|c|@0.25', effects: [{ counter: 'hits_total', value: 12 }], kinds: { count: 1 } },
  { text: 'hits:1|c|@1', effects: [{ counter: 'hits_total', value: 1 }], kinds: { count: 1 } },
  { text: 'hits:-2|c', effects: [{ counter: 'hits_total', value: -2 }], kinds: { count: 1 } },
  { text: 'hits:1:2:3|c', effects: [{ counter: 'hits_total', value: 6 }], kinds: { count: 3 } },
  { text: 'hits_total:4|c', effects: [{ counter: 'hits_total', value: 4 }], kinds: { count: 1 } },
  {
    text: 'hits:2|c|#code:200',
    effects: [{ counter: 'hits_total', labels: { code: '200' }, value: 2 }],
    kinds: { count: 1 },
  },
  { text: 'my metric.name:1|c', effects: [{ counter: 'my_metric_name_total', value: 1 }], kinds: { count: 1 } },
  {
    text: 'hits:1|c|T123|#a:b',
    effects: [{ counter: 'hits_total', labels: { a: 'b' }, value: 1 }],
    kinds: { count: 1 },
  },
  { text: 'hits:2.5e-1|c', effects: [{ counter: 'hits_total', value: 0.25 }], kinds: { count: 1 } },
  // Gauges: a signed value moves the gauge, an unsigned one sets it; rates are ignored.
  { text: 'temp:21.5|g', effects: [{ gauge: 'temp', value: 21.5 }], kinds: { gauge: 1 } },
  { text: 'temp:21.5|g\ntemp:+2|g', effects: [{ gauge: 'temp', value: 23.5 }], kinds: { gauge: 1, gauge_delta: 1 } },
  { text: 'temp:10|g\ntemp:-3|g', effects: [{ gauge: 'temp', value: 7 }], kinds: { gauge: 1, gauge_delta: 1 } },
  { text: 'temp:5|g|@0.5', effects: [{ gauge: 'temp', value: 5 }], kinds: { gauge: 1 } },
  { text: 'temp:1:2:3|g', effects: [{ gauge: 'temp', value: 3 }], kinds: { gauge: 3 } },
  { text: 'temp:-0|g', effects: [{ gauge: 'temp', value: 0 }], kinds: { gauge_delta: 1 } },
  // h and d feed custom histograms without unit conversion, weighted by 1 / rate.
  { text: 'size:64|h', effects: [{ histogram: 'size', count: 1, sum: 64 }], kinds: { histogram: 1 } },
  { text: 'size:64|h|@0.5', effects: [{ histogram: 'size', count: 2, sum: 128 }], kinds: { histogram: 1 } },
  { text: 'size:1:2|d', effects: [{ histogram: 'size', count: 2, sum: 3 }], kinds: { histogram: 2 } },
  {
    text: 'size:0.25|d|#q:x',
    effects: [{ histogram: 'size', labels: { q: 'x' }, count: 1, sum: 0.25 }],
    kinds: { histogram: 1 },
  },
  // Sets: unique members over the window, exposed as a gauge; rates are ignored.
  { text: 'users:alice|s', effects: [{ set: 'users', size: 1 }], kinds: { set: 1 } },
  { text: 'users:alice|s\nusers:bob|s\nusers:alice|s', effects: [{ set: 'users', size: 2 }], kinds: { set: 3 } },
  { text: 'users:a:b|s\nusers:a|s', effects: [{ set: 'users', size: 2 }], kinds: { set: 2 } },
  { text: 'users:42|s|@0.5', effects: [{ set: 'users', size: 1 }], kinds: { set: 1 } },
  { text: 'users:x|s|#shard:1', effects: [{ set: 'users', labels: { shard: '1' }, size: 1 }], kinds: { set: 1 } },
  // Several kinds in one datagram.
  {
    text: 'a:1|c\nb:2|g\nc:3|ms\nd:4|h\ne:5|s',
    effects: [
      { counter: 'a_total', value: 1 },
      { gauge: 'b', value: 2 },
      { task: 'c', count: 1, sumMs: 3 },
      { histogram: 'd', count: 1, sum: 4 },
      { set: 'e', size: 1 },
    ],
    kinds: { count: 1, gauge: 1, timing: 1, histogram: 1, set: 1 },
  },
  // Rejected lines: one reason each, nothing applied.
  { text: 'api', reasons: ['no_value'] },
  { text: 'api|ms', reasons: ['no_value'] },
  { text: ':1|c', reasons: ['empty_name'] },
  { text: 'x'.repeat(201) + ':1|c', reasons: ['name_too_long'] },
  { text: 'api:1', reasons: ['no_type'] },
  { text: 'api:1|ms:2', reasons: ['no_type'] },
  { text: 'api:1|x', reasons: ['bad_type'] },
  { text: 'api:1|msec', reasons: ['bad_type'] },
  { text: 'api:1|', reasons: ['bad_type'] },
  { text: 'api:abc|c', reasons: ['bad_value'] },
  { text: 'api:|c', reasons: ['bad_value'] },
  { text: 'api:1.2.3|ms', reasons: ['bad_value'] },
  { text: 'api:NaN|g', reasons: ['bad_value'] },
  { text: 'api:Infinity|g', reasons: ['bad_value'] },
  { text: 'api:1e999|c', reasons: ['bad_value'] },
  { text: 'api: 1|c', reasons: ['bad_value'] },
  { text: 'api:0x10|c', reasons: ['bad_value'] },
  { text: 'users:|s', reasons: ['bad_value'] },
  { text: 'api:-1|ms', reasons: ['negative_duration'] },
  { text: 'api:1|c|@0', reasons: ['bad_sample_rate'] },
  { text: 'api:1|c|@-0.5', reasons: ['bad_sample_rate'] },
  { text: 'api:1|c|@1.5', reasons: ['bad_sample_rate'] },
  { text: 'api:1|c|@abc', reasons: ['bad_sample_rate'] },
  { text: 'api:1|c|@', reasons: ['bad_sample_rate'] },
  { text: 'api:1|c|#:v', reasons: ['bad_tags'] },
  { text: 'api:1|c|#k:', reasons: ['bad_tags'] },
  { text: 'api:1|c|#a:b,', reasons: ['bad_tags'] },
  { text: 'api:1|c|#a:b,,c:d', reasons: ['bad_tags'] },
  { text: 'api:1|c|#a,', reasons: ['bad_tags'] },
  { text: `api:1|c|#${tags17}`, reasons: ['too_many_tags'] },
  { text: `api:1|c|#${'k'.repeat(65)}:v`, reasons: ['tag_too_long'] },
  { text: `api:1|c|#k:${'v'.repeat(201)}`, reasons: ['tag_too_long'] },
  { text: 'api,env=prod:1|c|#region:eu', reasons: ['mixed_tag_styles'] },
  { text: 'api:1|c|c:', reasons: ['bad_container_id'] },
  { text: `api:1|c|c:${'c'.repeat(201)}`, reasons: ['bad_container_id'] },
  { text: 'api:1|c|Tabc', reasons: ['bad_timestamp'] },
  { text: 'api:1|c|T', reasons: ['bad_timestamp'] },
  { text: 'api:1|c|T' + '1'.repeat(20), reasons: ['bad_timestamp'] },
  { text: '_e{5,4}:title|text', reasons: ['unsupported_message'] },
  { text: '_sc|db.up|0', reasons: ['unsupported_message'] },
  // A bad segment rejects its whole line; the other lines of the datagram still count.
  { text: 'api:1|ms:x|ms', reasons: ['bad_value'] },
  {
    text: 'api:1|ms\nbad\nhits:1|c',
    effects: [
      { task: 'api', count: 1, sumMs: 1 },
      { counter: 'hits_total', value: 1 },
    ],
    reasons: ['no_value'],
    kinds: { timing: 1, count: 1 },
  },
  {
    text: 'x:1|zz\ny:1|c|@2\nz:1|ms',
    effects: [{ task: 'z', count: 1, sumMs: 1 }],
    reasons: ['bad_type', 'bad_sample_rate'],
    kinds: { timing: 1 },
  },
]

describe('StatsD lines, table-driven', () => {
  it('has at least 60 rows and a row for every reason the decoder gives', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(60)
    const covered = new Set(ROWS.flatMap((row) => row.reasons ?? []))
    for (const reason of LINE_REASONS) if (reason !== 'line_too_long') expect(covered.has(reason), reason).toBe(true)
  })

  itRows(ROWS)
})
