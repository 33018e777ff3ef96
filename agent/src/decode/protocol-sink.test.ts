// The protocol sink through DatagramRouter: every golden vector's counters, bytes that are not
// protocol v1, and the semantics of each event kind.
import { DATAGRAM_REASONS, EVENT_KIND, EVENT_KIND_NAMES, EVENT_REASONS } from '@taskmeter/protocol'
import { describe, expect, it } from 'vitest'
import { LINE_REASON_INDEX } from './statsd-reasons.js'
import {
  VECTORS,
  setup,
  feed,
  event,
  inflightReport,
  reasonCounts,
  zeroCounts,
  weightOf,
  sumTasks,
} from './protocol-sink.test-support.js'

describe('DatagramRouter on the golden vectors', () => {
  it('loads every vector file', () => {
    expect(new Set(VECTORS.map((v) => v.file))).toEqual(
      new Set(['invalid-datagram.json', 'invalid-event.json', 'noncanonical.json', 'valid.json']),
    )
    expect(VECTORS.length).toBeGreaterThanOrEqual(100)
    // Between them the vectors reach every reason and every event kind.
    const reasons = new Set(VECTORS.map((v) => v.reason))
    for (const reason of DATAGRAM_REASONS) expect(reasons.has(reason), reason).toBe(true)
    const items = VECTORS.flatMap((v) => v.items)
    for (const reason of EVENT_REASONS)
      expect(
        items.some((item) => item.kind === 'invalid' && item.reason === reason),
        reason,
      ).toBe(true)
    for (const kind of EVENT_KIND_NAMES)
      expect(
        items.some((item) => item.kind === kind),
        kind,
      ).toBe(true)
  })

  // Bytes that do not start with 0xFE are StatsD text (tested below and in
  // statsd-line.test.ts); every other vector goes through the protocol v1 decoder.
  for (const vector of VECTORS.filter((v) => v.hex.startsWith('fe'))) {
    it(`${vector.file} ${vector.name}: counts what the vector says`, () => {
      const { aggregator, router } = setup()
      const bytes = Buffer.from(vector.hex, 'hex')
      expect(() => feed(router, bytes)).not.toThrow()

      const expected = zeroCounts()
      if (vector.reason !== null) expected.datagrams[vector.reason] = 1
      for (const item of vector.items) {
        // A header numbers the datagram (SPEC.md §3.3): it is no event of taskmeter_events_total.
        if (item.kind === 'invalid') expected.events[item.reason] = (expected.events[item.reason] ?? 0) + 1
        else if (item.kind !== 'header') expected.kinds[item.kind] = (expected.kinds[item.kind] ?? 0) + 1
      }
      expect(router.stats.datagramsReceived).toBe(1)
      expect(router.stats.bytesReceived).toBe(bytes.length)
      expect(reasonCounts(router.stats)).toEqual(expected)

      // What reached the aggregator: every request, its errors, and the in-flight counts.
      let requests = 0
      let errors = 0
      let reported = 0
      const balances = new Map<string, number>()
      for (const item of vector.items) {
        if (item.kind === 'timing' || item.kind === 'task_end_success' || item.kind === 'task_end_error') {
          requests += weightOf(item.sampleRate)
          if (item.kind === 'task_end_error') errors += weightOf(item.sampleRate)
        }
        if (item.kind === 'task_start' || item.kind === 'task_end_success' || item.kind === 'task_end_error') {
          const key = item.name + JSON.stringify(Object.entries(item.tags ?? {}).sort())
          const balance = balances.get(key) ?? 0
          balances.set(key, item.kind === 'task_start' ? balance + 1 : Math.max(0, balance - 1))
        }
        if (item.kind === 'inflight_report') for (const count of Object.values(item.inflight)) reported += count
      }
      aggregator.refreshActive()
      expect(sumTasks(aggregator, (task) => task.completed)).toBe(requests)
      expect(sumTasks(aggregator, (task) => task.errors)).toBe(errors)
      expect(sumTasks(aggregator, (task) => task.active)).toBe(
        [...balances.values()].reduce((a, b) => a + b, 0) + reported,
      )
    })
  }
})

describe('DatagramRouter on bytes that are not protocol v1', () => {
  it('reads the non-FE golden vectors as StatsD text: the empty one is nothing, statsd_text a timing', () => {
    const { aggregator, router } = setup()
    const foreign = VECTORS.filter((v) => !v.hex.startsWith('fe'))
    expect(foreign.map((v) => v.name).sort()).toEqual(['empty_datagram', 'statsd_text'])
    for (const vector of foreign) feed(router, Buffer.from(vector.hex, 'hex'))
    expect(reasonCounts(router.stats)).toEqual({ ...zeroCounts(), kinds: { ...zeroCounts().kinds, timing: 1 } })
    expect(aggregator.tasks.get('prediction')?.sumMs).toBe(12.3)
    expect(router.statsdStats.linesReceived).toBe(1)
  })

  it('decodes them as StatsD text, never as protocol v1', () => {
    const { aggregator, router } = setup()
    const inputs = [
      Buffer.alloc(0),
      Buffer.from('prediction:12.3|ms'),
      Buffer.from('hits:1|c|@0.5|#region:eu\nqueue:12|g'),
      Buffer.from([0x00]),
      Buffer.from([0x54, 0x4d, 0x01, 0x93, 0x01, 0xa1, 0x61, 0x05]),
      Buffer.from([0xff, 0xfe, 0x54, 0x4d, 0x01]),
      Buffer.from('\u00fe'), // U+00FE in UTF-8 is C3 BE: not the magic byte
    ]
    for (const bytes of inputs) feed(router, bytes)
    const counts = reasonCounts(router.stats)
    expect(counts.datagrams).toEqual(zeroCounts().datagrams)
    expect(Object.values(counts.events).every((n) => n === 0)).toBe(true)
    expect(counts.kinds).toEqual({ ...zeroCounts().kinds, timing: 1, count: 1, gauge: 1 })
    // The four binary inputs have no ':' after a name: each is one line without a value.
    expect(router.statsdStats.linesInvalid[LINE_REASON_INDEX.no_value]).toBe(4)
    expect(router.stats.datagramsReceived).toBe(inputs.length)
    expect(aggregator.seriesCount).toBe(3)
  })

  it('reads only the first `length` bytes of a reused receive buffer', () => {
    const { aggregator, router } = setup()
    const valid = event(EVENT_KIND.timing, 'predict', 12)
    const scratch = Buffer.alloc(256, 0xc1) // 0xC1 is never valid msgpack
    valid.copy(scratch)
    router.handleDatagram(scratch, valid.length)
    expect(router.stats.bytesReceived).toBe(valid.length)
    expect(reasonCounts(router.stats).datagrams.bad_encoding).toBe(0)
    expect(aggregator.tasks.get('predict')?.completed).toBe(1)
  })
})

describe('ProtocolSink semantics', () => {
  it('applies the event kinds to tasks and custom series', () => {
    const { aggregator, router } = setup()
    feed(router, event(EVENT_KIND.timing, 'predict', 12.3))
    feed(router, event(EVENT_KIND.task_start, 'train', 0))
    feed(router, event(EVENT_KIND.task_end_error, 'train', 250))
    feed(router, event(EVENT_KIND.task_end_success, 'train', 100, 1, { b: '2', a: '1' }))
    feed(router, event(EVENT_KIND.count, 'hits', 3))
    feed(router, event(EVENT_KIND.gauge, 'queue', 12))
    feed(router, event(EVENT_KIND.gauge_delta, 'queue', -2))
    feed(router, event(EVENT_KIND.histogram, 'batch', 64))
    const predict = aggregator.tasks.get('predict')
    const train = aggregator.tasks.get('train')
    const tagged = aggregator.tasks.get('train{a="1",b="2"}')
    expect(predict).toMatchObject({ success: 1, errors: 0, startBalance: 0 })
    expect(predict?.sumMs).toBe(12.3)
    expect(train).toMatchObject({ success: 0, errors: 1, startBalance: 0 })
    expect(tagged).toMatchObject({ success: 1, errors: 0 })
    expect(aggregator.custom.get('hits_total')?.value).toBe(3)
    expect(aggregator.custom.get('queue')?.value).toBe(10)
    expect(aggregator.custom.get('batch')?.histogram?.totalCount).toBe(1)
    expect(reasonCounts(router.stats).kinds).toMatchObject({
      timing: 1,
      task_start: 1,
      task_end_error: 1,
      task_end_success: 1,
      count: 1,
      gauge: 1,
      gauge_delta: 1,
      histogram: 1,
    })
  })

  it('weighs sampled timings and observations by 1/rate, and scales sampled counts', () => {
    const { aggregator, router } = setup()
    feed(router, event(EVENT_KIND.timing, 'predict', 5, 0.1))
    feed(router, event(EVENT_KIND.task_end_error, 'predict', 5, 0.25))
    feed(router, event(EVENT_KIND.count, 'hits', 1, 0.5))
    feed(router, event(EVENT_KIND.histogram, 'batch', 8, 0.3))
    const predict = aggregator.tasks.get('predict')
    expect(predict?.success).toBe(10)
    expect(predict?.errors).toBe(4)
    expect(predict?.histogram.totalCount).toBe(14)
    expect(aggregator.custom.get('hits_total')?.value).toBe(2)
    expect(aggregator.custom.get('batch')?.histogram?.totalCount).toBe(3)
  })

  it('keeps counting events past the series cap, and drops only the new series', () => {
    const { aggregator, router } = setup(2)
    feed(router, event(EVENT_KIND.timing, 'a', 1))
    feed(router, event(EVENT_KIND.count, 'hits', 1))
    for (let i = 0; i < 100; i++) feed(router, event(EVENT_KIND.timing, `new-${i}`, 1))
    feed(router, event(EVENT_KIND.timing, 'a', 1))
    expect(aggregator.seriesCount).toBe(2)
    expect(aggregator.seriesDropped).toBe(100)
    expect(aggregator.tasks.get('a')?.completed).toBe(2)
    expect(reasonCounts(router.stats).kinds.timing).toBe(102)
  })

  it('applies in-flight reports, and a zero entry for an unseen task creates no series', () => {
    const { aggregator, router } = setup()
    feed(
      router,
      inflightReport('client-a', 1, 1000, [
        ['predict', 3],
        ['never-seen', 0],
      ]),
    )
    feed(router, inflightReport('client-b', 9, 1000, [['predict', 2]]))
    aggregator.refreshActive()
    expect(aggregator.tasks.get('predict')?.active).toBe(5)
    expect(aggregator.tasks.has('never-seen')).toBe(false)
    feed(router, inflightReport('client-a', 2, 1000, [['predict', 0]]))
    aggregator.refreshActive()
    expect(aggregator.tasks.get('predict')?.active).toBe(2)
    expect(reasonCounts(router.stats).kinds.inflight_report).toBe(3)
  })

  it('clears an in-flight count with a zero entry after the lookup caches were cleared', () => {
    // BUG found on 4c20da8 (reported; fails there): ProtocolSink.onInflightEntry skips a zero entry
    // unless the task is in its byte-keyed taskCache. After clearCaches() (or the cache filling
    // past its limit and being cleared) the zero is ignored, the client's stored count stays, and
    // the task shows active forever while that client keeps reporting.
    const { aggregator, router } = setup()
    feed(router, inflightReport('client-a', 1, 1000, [['predict', 3]]))
    aggregator.refreshActive()
    expect(aggregator.tasks.get('predict')?.active).toBe(3)
    router.clearCaches()
    feed(router, inflightReport('client-a', 2, 1000, [['predict', 0]]))
    aggregator.refreshActive()
    expect(aggregator.tasks.get('predict')?.active).toBe(0)
  })

  it('keeps request counts finite safe integers at the smallest valid sample rate', () => {
    // BUG found on 4c20da8 (reported; fails there): weight = max(1, round(1 / sampleRate)) is
    // Infinity for a rate of 5e-324 (valid: SPEC allows (0, 1]), so success, the histogram and the
    // window count become Infinity. When that window slot closes, packCounts →
    // writeVarint(Infinity) loops forever and the agent hangs on one datagram. The slot roll-over
    // below only runs once counts are finite.
    const { clock, aggregator, router } = setup()
    feed(router, event(EVENT_KIND.timing, 'predict', 5, Number.MIN_VALUE))
    const predict = aggregator.tasks.get('predict')
    expect(Number.isSafeInteger(predict?.success)).toBe(true)
    expect(Number.isSafeInteger(predict?.histogram.totalCount)).toBe(true)
    clock.ms = 6_000 // next window slot: the first one gets packed
    feed(router, event(EVENT_KIND.timing, 'predict', 5))
    expect(Number.isSafeInteger(predict?.completed)).toBe(true)
  })

  it('keeps a counter finite at the smallest valid sample rate', () => {
    // BUG found on 4c20da8 (reported; fails there), same cause: value / 5e-324 is ±Infinity, and a
    // later opposite delta turns the counter into NaN for good (golden vector count_min_sample_rate
    // is such a count).
    const { aggregator, router } = setup()
    feed(router, event(EVENT_KIND.count, 'hits', 1, Number.MIN_VALUE))
    feed(router, event(EVENT_KIND.count, 'hits', -1, Number.MIN_VALUE))
    expect(Number.isFinite(aggregator.custom.get('hits_total')?.value)).toBe(true)
  })
})
