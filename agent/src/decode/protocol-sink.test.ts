import { readFileSync, readdirSync } from 'node:fs'
import fc from 'fast-check'
import {
  BatchEncoder,
  DATAGRAM_REASONS,
  type DatagramReason,
  EVENT_KIND,
  EVENT_KIND_NAMES,
  EVENT_REASONS,
  type EventKindName,
  type EventReason,
  encodeClientId,
  encodeName,
  encodeTags,
} from '@taskmeter/protocol'
import { describe, expect, it } from 'vitest'
import { Aggregator } from '../aggregate/aggregator.js'
import { buildDashboard } from '../aggregate/dashboard-snapshot.js'
import { DatagramRouter } from './datagram-router.js'
import { LINE_REASON_INDEX } from './statsd-reasons.js'
import type { DecodeStats } from './decode-stats.js'

// ---- golden vectors (protocol/vectors/*.json, format in protocol/vectors/README.md) ----

type VectorItem =
  | { kind: 'invalid'; reason: EventReason }
  | { kind: 'inflight_report'; clientId: string; sequence: number; flushIntervalMs: number; inflight: Record<string, number> }
  | { kind: Exclude<EventKindName, 'inflight_report'>; name: string; value: number; sampleRate: number; tags: Record<string, string> | null }

interface Vector {
  file: string
  name: string
  hex: string
  items: VectorItem[]
  reason: DatagramReason | null
}

const VECTORS_DIR = new URL('../../../protocol/vectors/', import.meta.url)

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isItem(value: unknown): value is VectorItem {
  if (!isRecord(value)) return false
  if (value.kind === 'invalid') return typeof value.reason === 'string' && (EVENT_REASONS as readonly string[]).includes(value.reason)
  if (value.kind === 'inflight_report') return typeof value.clientId === 'string' && typeof value.sequence === 'number' && isRecord(value.inflight)
  return (
    typeof value.kind === 'string' &&
    (EVENT_KIND_NAMES as readonly string[]).includes(value.kind) &&
    typeof value.name === 'string' &&
    typeof value.value === 'number' &&
    typeof value.sampleRate === 'number' &&
    (value.tags === null || isRecord(value.tags))
  )
}

// A malformed file must fail loudly rather than test nothing.
function loadVectors(): Vector[] {
  const vectors: Vector[] = []
  for (const file of readdirSync(VECTORS_DIR).filter((f) => f.endsWith('.json')).sort()) {
    const parsed: unknown = JSON.parse(readFileSync(new URL(file, VECTORS_DIR), 'utf8'))
    if (!Array.isArray(parsed)) throw new Error(`${file}: not an array`)
    for (const raw of parsed) {
      if (!isRecord(raw) || typeof raw.name !== 'string' || typeof raw.hex !== 'string' || !Array.isArray(raw.items)) throw new Error(`${file}: malformed vector`)
      if (!raw.items.every(isItem)) throw new Error(`${file} ${raw.name}: malformed item`)
      const reason = raw.reason
      if (reason !== null && !(typeof reason === 'string' && (DATAGRAM_REASONS as readonly string[]).includes(reason))) throw new Error(`${file} ${raw.name}: bad reason`)
      vectors.push({ file, name: raw.name, hex: raw.hex, items: raw.items, reason: reason as DatagramReason | null })
    }
  }
  return vectors
}

const VECTORS = loadVectors()

// ---- helpers ----

class ManualClock {
  ms = 0
  readonly now = (): number => this.ms
}

function setup(maxSeries = 1_000): { clock: ManualClock; aggregator: Aggregator; router: DatagramRouter } {
  const clock = new ManualClock()
  const aggregator = new Aggregator({ windowSeconds: 60, precision: 2, maxSeries, now: clock.now })
  return { clock, aggregator, router: new DatagramRouter(aggregator, null) }
}

function feed(router: DatagramRouter, bytes: Uint8Array): void {
  router.handleDatagram(bytes, bytes.length)
}

function wireName(name: string): Uint8Array {
  const encoded = encodeName(name)
  if (typeof encoded === 'string') throw new Error(`bad name ${name}: ${encoded}`)
  return encoded
}

function wireTags(tags: Record<string, string> | null): Uint8Array | null {
  const encoded = encodeTags(tags)
  if (typeof encoded === 'string') throw new Error(`bad tags: ${encoded}`)
  return encoded
}

function wireClientId(clientId: string): Uint8Array {
  const encoded = encodeClientId(clientId)
  if (typeof encoded === 'string') throw new Error(`bad client id: ${encoded}`)
  return encoded
}

function datagram(build: (encoder: BatchEncoder) => void): Buffer {
  const encoder = new BatchEncoder()
  build(encoder)
  return Buffer.from(encoder.datagram())
}

function event(kind: number, name: string, value: number, sampleRate = 1, tags: Record<string, string> | null = null): Buffer {
  return datagram((encoder) => {
    if (!encoder.append(kind, wireName(name), value, sampleRate, wireTags(tags))) throw new Error('event does not fit')
  })
}

function inflightReport(clientId: string, sequence: number, flushIntervalMs: number, entries: ReadonlyArray<readonly [string, number]>): Buffer {
  return datagram((encoder) => {
    const names = entries.map((entry) => wireName(entry[0]))
    const counts = entries.map((entry) => entry[1])
    if (encoder.appendInflightReport(wireClientId(clientId), sequence, flushIntervalMs, names, counts, 0) !== entries.length) throw new Error('report does not fit')
  })
}

interface Counts {
  datagrams: Record<string, number>
  events: Record<string, number>
  kinds: Record<string, number>
}

function byName(names: readonly string[], values: ArrayLike<number> | null): Record<string, number> {
  const out: Record<string, number> = {}
  names.forEach((name, i) => (out[name] = values === null ? 0 : (values[i] as number)))
  return out
}

function reasonCounts(stats: DecodeStats): Counts {
  return { datagrams: byName(DATAGRAM_REASONS, stats.datagramsInvalid), events: byName(EVENT_REASONS, stats.eventsInvalid), kinds: byName(EVENT_KIND_NAMES, stats.eventsByKind) }
}

function zeroCounts(): Counts {
  return { datagrams: byName(DATAGRAM_REASONS, null), events: byName(EVENT_REASONS, null), kinds: byName(EVENT_KIND_NAMES, null) }
}

/** The weight a sampled request or observation carries (StatsD: 1 / rate whole events). */
function weightOf(sampleRate: number): number {
  return sampleRate === 1 ? 1 : Math.max(1, Math.round(1 / sampleRate))
}

function sumTasks(aggregator: Aggregator, pick: (task: { completed: number; errors: number; active: number }) => number): number {
  let total = 0
  for (const task of aggregator.tasks.values()) total += pick(task)
  return total
}

// ---- tests ----

describe('DatagramRouter on the golden vectors', () => {
  it('loads every vector file', () => {
    expect(new Set(VECTORS.map((v) => v.file))).toEqual(new Set(['invalid-datagram.json', 'invalid-event.json', 'noncanonical.json', 'valid.json']))
    expect(VECTORS.length).toBeGreaterThanOrEqual(100)
    // Between them the vectors reach every reason and every event kind.
    const reasons = new Set(VECTORS.map((v) => v.reason))
    for (const reason of DATAGRAM_REASONS) expect(reasons.has(reason), reason).toBe(true)
    const items = VECTORS.flatMap((v) => v.items)
    for (const reason of EVENT_REASONS) expect(items.some((item) => item.kind === 'invalid' && item.reason === reason), reason).toBe(true)
    for (const kind of EVENT_KIND_NAMES) expect(items.some((item) => item.kind === kind), kind).toBe(true)
  })

  // Bytes that do not start with 0xFE are StatsD text since issue 15 (tested below and in
  // statsd-line.test.ts); every other vector goes through the protocol v1 decoder.
  for (const vector of VECTORS.filter((v) => v.hex.startsWith('fe'))) {
    it(`${vector.file} ${vector.name}: counts what the vector says`, () => {
      const { aggregator, router } = setup()
      const bytes = Buffer.from(vector.hex, 'hex')
      expect(() => feed(router, bytes)).not.toThrow()

      const expected = zeroCounts()
      if (vector.reason !== null) expected.datagrams[vector.reason] = 1
      for (const item of vector.items) {
        if (item.kind === 'invalid') expected.events[item.reason] = (expected.events[item.reason] as number) + 1
        else expected.kinds[item.kind] = (expected.kinds[item.kind] as number) + 1
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
      expect(sumTasks(aggregator, (task) => task.active)).toBe([...balances.values()].reduce((a, b) => a + b, 0) + reported)
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

  it('decodes them as StatsD text, never as protocol v1 (issue 15)', () => {
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
    expect(reasonCounts(router.stats).kinds).toMatchObject({ timing: 1, task_start: 1, task_end_error: 1, task_end_success: 1, count: 1, gauge: 1, gauge_delta: 1, histogram: 1 })
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
    feed(router, inflightReport('client-a', 1, 1000, [['predict', 3], ['never-seen', 0]]))
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

// ---- random input: the agent never throws on bytes (house style §4) ----

const PREFIX = [0xfe, 0x54, 0x4d, 0x01]

// Pieces of msgpack the decoder cares about, per element of an event, so that random soup
// reaches every check of SPEC §5 and not only the first one.
const HEADERS: readonly number[][] = [[0x93], [0x94], [0x95], [0x92], [0x96], [0x90], [0x91], [0xdc, 0x00, 0x03], [0xdd, 0x00, 0x00, 0x00, 0x05]]
const TYPES: readonly number[][] = [[0x01], [0x02], [0x03], [0x04], [0x05], [0x06], [0x07], [0x08], [0x09], [0x00], [0x0a], [0xff], [0xc0], [0xa1, 0x61], [0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]]
const STRINGS: readonly number[][] = [
  [0xa1, 0x61], [0xa2, 0x6f, 0x6b], [0xa0], [0xd9, 0x01, 0x62], [0xda, 0x00, 0x01, 0x63], [0xdb, 0xff, 0xff, 0xff, 0xff], [0xa2, 0xc3, 0x28],
  [0xc4, 0x01, 0x61], [0xc0], [0x05], [0x90],
]
const NUMBERS: readonly number[][] = [
  [0x00], [0x05], [0x7f], [0xff], [0xe0], [0xc0], [0xc2], [0xa1, 0x31],
  [0xcb, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0], [0xcb, 0, 0, 0, 0, 0, 0, 0, 1], [0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0], [0xcb, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0],
  [0xcb, 0xbf, 0xf0, 0, 0, 0, 0, 0, 0], [0xcb, 0x40, 0x28, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a], [0xca, 0x41, 0x46, 0, 0], [0xca, 0x7f, 0xc0, 0, 0],
  [0xcc, 0xff], [0xcd, 0xff, 0xff], [0xce, 0xff, 0xff, 0xff, 0xff], [0xcf, 0, 0, 0, 1, 0, 0, 0, 0], [0xd0, 0x80], [0xd3, 0xff, 0, 0, 0, 0, 0, 0, 0],
]
const MAPS: readonly number[][] = [[0x80], [0x81, 0xa1, 0x6b, 0xa1, 0x76], [0x81, 0xa1, 0x74, 0x03], [0x81, 0x01, 0xa1, 0x76], [0x82, 0xa1, 0x6b], [0xde, 0x00, 0x01, 0xa1, 0x6b, 0xa0], [0xc0], [0x01]]
const JUNK: readonly number[][] = [[0xc1], [0xd4, 0x01, 0x00], [0xc7, 0x01, 0x01, 0x00], [0xc3]]

const INFLIGHT_MAPS: readonly number[][] = [[0x80], [0x81, 0xa1, 0x61, 0x03], [0x82, 0xa1, 0x61, 0x01, 0xa1, 0x62, 0x00], [0x81, 0xa1, 0x61, 0xff], [0x81, 0xa0, 0x01], [0x81, 0x01, 0x01], [0xc0]]

const pick = (table: readonly number[][]): fc.Arbitrary<number[]> => fc.constantFrom(...table)
const rarely = (table: readonly number[][]): fc.Arbitrary<number[] | null> => fc.oneof({ weight: 19, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: pick(table) })
// [type, name, value, rate?, tags?] under a header that usually matches the element count.
const eventSoupArb = fc
  .record({
    matchingHeader: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    header: pick(HEADERS),
    type: pick(TYPES),
    name: pick(STRINGS),
    value: pick(NUMBERS),
    rate: fc.option(pick(NUMBERS), { nil: null }),
    tags: fc.option(pick(MAPS), { nil: null }),
    junk: rarely(JUNK),
  })
  .map(({ matchingHeader, header, type, name, value, rate, tags, junk }) => {
    const rest = [...type, ...name, ...value, ...(rate ?? (tags === null ? [] : [0xc0])), ...(tags ?? []), ...(junk ?? [])]
    const elements = 3 + (rate !== null || tags !== null ? 1 : 0) + (tags !== null ? 1 : 0)
    return [...(matchingHeader ? [0x90 + elements] : header), ...rest]
  })
// [9, clientId, sequence, flushIntervalMs, {name: count}]
const inflightSoupArb = fc
  .tuple(pick(STRINGS), pick(NUMBERS), pick(NUMBERS), pick(INFLIGHT_MAPS), rarely(JUNK))
  .map(([clientId, sequence, interval, entries, junk]) => [0x95, 0x09, ...clientId, ...sequence, ...interval, ...entries, ...(junk ?? [])])
const soupArb = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: eventSoupArb },
      { weight: 2, arbitrary: inflightSoupArb },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4 }).map((b) => [...b]) },
    ),
    { maxLength: 12 },
  )
  .map((parts) => Uint8Array.from([...PREFIX, ...parts.flat()]))

const randomBytesArb = fc.oneof(
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 512 }) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 256 }).map((tail) => Uint8Array.from([...PREFIX, ...tail])) },
  { weight: 6, arbitrary: soupArb },
)

const nameArb = fc.string({ minLength: 1, maxLength: 12 })
const appendArb = fc.record({
  kind: fc.integer({ min: 1, max: 8 }),
  name: nameArb,
  value: fc.double(),
  sampleRate: fc.oneof(fc.constant(1), fc.double({ min: Number.MIN_VALUE, max: 1, noNaN: true })),
  tags: fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }), { nil: null }),
})
const reportArb = fc.record({
  clientId: fc.string({ minLength: 1, maxLength: 8 }),
  sequence: fc.integer({ min: 0, max: 0xffffffff }),
  flushIntervalMs: fc.integer({ min: 1, max: 60_000 }),
  entries: fc.array(fc.tuple(nameArb, fc.integer({ min: 0, max: 0xffffffff })), { maxLength: 4 }),
})
const mutatedBatchArb = fc
  .record({
    items: fc.array(fc.oneof({ weight: 4, arbitrary: appendArb }, { weight: 1, arbitrary: reportArb }), { minLength: 1, maxLength: 6 }),
    flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
    cut: fc.option(fc.nat(), { nil: null }),
  })
  .map(({ items, flips, cut }) => {
    const bytes = datagram((encoder) => {
      for (const item of items) {
        if ('kind' in item) {
          const tags = encodeTags(item.tags)
          const name = encodeName(item.name)
          if (typeof name !== 'string' && typeof tags !== 'string') encoder.append(item.kind, name, item.value, item.sampleRate, tags)
        } else {
          const clientId = encodeClientId(item.clientId)
          const names = item.entries.map((entry) => encodeName(entry[0]))
          const counts = item.entries.map((entry) => entry[1])
          const encodedNames = names.filter((n): n is Uint8Array => typeof n !== 'string')
          if (typeof clientId !== 'string' && encodedNames.length === names.length) encoder.appendInflightReport(clientId, item.sequence, item.flushIntervalMs, encodedNames, counts, 0)
        }
      }
    })
    for (const [at, byte] of flips) bytes[at % bytes.length] = byte
    return cut === null ? bytes : bytes.subarray(0, cut % (bytes.length + 1))
  })

function outcomes(stats: DecodeStats): { accepted: number; eventsInvalid: number; datagramsInvalid: number } {
  const sum = (values: Float64Array): number => values.reduce((a, b) => a + b, 0)
  return { accepted: sum(stats.eventsByKind), eventsInvalid: sum(stats.eventsInvalid), datagramsInvalid: sum(stats.datagramsInvalid) }
}

/** Lines of StatsD text that are not empty once a trailing '\r' is dropped. */
function nonEmptyLines(bytes: Uint8Array): number {
  return Buffer.from(bytes).toString('latin1').split('\n').filter((line) => line.replace(/\r$/, '') !== '').length
}

/**
 * One datagram must not throw. A protocol v1 datagram ends in at least one event or one reason;
 * StatsD text (anything not starting with 0xFE, issue 15) in one event or one line reason per line.
 */
function checkOneDatagram(router: DatagramRouter, bytes: Uint8Array): void {
  const before = outcomes(router.stats)
  const received = router.stats.datagramsReceived
  const statsd = router.statsdStats
  const linesBefore = statsd.linesReceived
  const invalidLinesBefore = statsd.linesInvalid.reduce((a, b) => a + b, 0)
  const setsBefore = statsd.setEvents
  feed(router, bytes)
  const after = outcomes(router.stats)
  expect(router.stats.datagramsReceived).toBe(received + 1)
  const datagramReasons = after.datagramsInvalid - before.datagramsInvalid
  expect(datagramReasons).toBeLessThanOrEqual(1)
  if (bytes.length === 0 || bytes[0] !== 0xfe) {
    const lines = nonEmptyLines(bytes)
    const invalidLines = statsd.linesInvalid.reduce((a, b) => a + b, 0) - invalidLinesBefore
    expect(datagramReasons).toBe(0)
    expect(statsd.linesReceived - linesBefore).toBe(lines)
    expect(after.accepted - before.accepted + (statsd.setEvents - setsBefore)).toBeGreaterThanOrEqual(lines - invalidLines)
    return
  }
  expect(after.accepted - before.accepted + (after.eventsInvalid - before.eventsInvalid) + datagramReasons).toBeGreaterThanOrEqual(1)
}

/**
 * A few datagrams with the clock moving between them, on a fresh agent each run (so that fast-check
 * can shrink a failure without inheriting state). Moving the clock closes window slots, which packs
 * their counts (compact-counts.ts) and merges them at read time.
 */
function checkDatagramSequence(steps: ReadonlyArray<{ advanceMs: number; bytes: Uint8Array }>): void {
  const { clock, aggregator, router } = setup(50)
  for (const step of steps) {
    clock.ms += step.advanceMs
    checkOneDatagram(router, step.bytes)
    // Before the clock moves on, counts must be finite: on 4c20da8 a subnormal sample rate gave an
    // Infinity weight, and closing the slot that held it hung packCounts (see the test above).
    for (const task of aggregator.tasks.values()) expect(Number.isFinite(task.histogram.totalCount)).toBe(true)
  }
  expect(aggregator.seriesCount).toBeLessThanOrEqual(50)
  const dashboard = buildDashboard(aggregator, {})
  for (const task of Object.values(dashboard.tasks)) {
    expect(task.window.requests).toBeLessThanOrEqual(task.completed)
    expect(task.active).toBeGreaterThanOrEqual(0)
  }
}

const advanceArb = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 200_000 }))

describe('DatagramRouter on random bytes', () => {
  it('never throws, and every datagram yields an event or a reason (10 000 runs)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ advanceMs: advanceArb, bytes: randomBytesArb }), { minLength: 1, maxLength: 4 }), checkDatagramSequence),
      { numRuns: 10_000 },
    )
  })

  it('never throws on valid batches with flipped bytes or cut short (10 000 runs)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ advanceMs: advanceArb, bytes: mutatedBatchArb }), { minLength: 1, maxLength: 3 }), checkDatagramSequence),
      { numRuns: 10_000 },
    )
  })
})
