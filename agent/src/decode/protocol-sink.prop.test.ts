// Random and mutated bytes through DatagramRouter never throw and always end in events or a reason.
import fc from 'fast-check'
import { encodeClientId, encodeName, encodeTags } from '@taskmeter/protocol'
import { describe, expect, it } from 'vitest'
import { buildDashboard } from '../expose/ui/dashboard-snapshot.js'
import type { DatagramRouter } from './datagram-router.js'
import type { DecodeStats } from './decode-stats.js'
import { setup, feed, datagram } from './protocol-sink.test-support.js'

// ---- random input: the agent never throws on bytes ----
// Anyone can send to its port, so bad input is counted and dropped, never fatal.

const PREFIX = [0xfe, 0x54, 0x4d, 0x01]

// Pieces of msgpack the decoder cares about, per element of an event, so that random soup
// reaches every check of SPEC §5 and not only the first one.
const HEADERS: readonly number[][] = [
  [0x93],
  [0x94],
  [0x95],
  [0x92],
  [0x96],
  [0x90],
  [0x91],
  [0xdc, 0x00, 0x03],
  [0xdd, 0x00, 0x00, 0x00, 0x05],
]
const TYPES: readonly number[][] = [
  [0x01],
  [0x02],
  [0x03],
  [0x04],
  [0x05],
  [0x06],
  [0x07],
  [0x08],
  [0x09],
  [0x00],
  [0x0a],
  [0xff],
  [0xc0],
  [0xa1, 0x61],
  [0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0],
]
const STRINGS: readonly number[][] = [
  [0xa1, 0x61],
  [0xa2, 0x6f, 0x6b],
  [0xa0],
  [0xd9, 0x01, 0x62],
  [0xda, 0x00, 0x01, 0x63],
  [0xdb, 0xff, 0xff, 0xff, 0xff],
  [0xa2, 0xc3, 0x28],
  [0xc4, 0x01, 0x61],
  [0xc0],
  [0x05],
  [0x90],
]
const NUMBERS: readonly number[][] = [
  [0x00],
  [0x05],
  [0x7f],
  [0xff],
  [0xe0],
  [0xc0],
  [0xc2],
  [0xa1, 0x31],
  [0xcb, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0],
  [0xcb, 0, 0, 0, 0, 0, 0, 0, 1],
  [0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0],
  [0xcb, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0],
  [0xcb, 0xbf, 0xf0, 0, 0, 0, 0, 0, 0],
  [0xcb, 0x40, 0x28, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a],
  [0xca, 0x41, 0x46, 0, 0],
  [0xca, 0x7f, 0xc0, 0, 0],
  [0xcc, 0xff],
  [0xcd, 0xff, 0xff],
  [0xce, 0xff, 0xff, 0xff, 0xff],
  [0xcf, 0, 0, 0, 1, 0, 0, 0, 0],
  [0xd0, 0x80],
  [0xd3, 0xff, 0, 0, 0, 0, 0, 0, 0],
]
const MAPS: readonly number[][] = [
  [0x80],
  [0x81, 0xa1, 0x6b, 0xa1, 0x76],
  [0x81, 0xa1, 0x74, 0x03],
  [0x81, 0x01, 0xa1, 0x76],
  [0x82, 0xa1, 0x6b],
  [0xde, 0x00, 0x01, 0xa1, 0x6b, 0xa0],
  [0xc0],
  [0x01],
]
const JUNK: readonly number[][] = [[0xc1], [0xd4, 0x01, 0x00], [0xc7, 0x01, 0x01, 0x00], [0xc3]]

const INFLIGHT_MAPS: readonly number[][] = [
  [0x80],
  [0x81, 0xa1, 0x61, 0x03],
  [0x82, 0xa1, 0x61, 0x01, 0xa1, 0x62, 0x00],
  [0x81, 0xa1, 0x61, 0xff],
  [0x81, 0xa0, 0x01],
  [0x81, 0x01, 0x01],
  [0xc0],
]

const pick = (table: readonly number[][]): fc.Arbitrary<number[]> => fc.constantFrom(...table)
const rarely = (table: readonly number[][]): fc.Arbitrary<number[] | null> =>
  fc.oneof({ weight: 19, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: pick(table) })
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
    const rest = [
      ...type,
      ...name,
      ...value,
      ...(rate ?? (tags === null ? [] : [0xc0])),
      ...(tags ?? []),
      ...(junk ?? []),
    ]
    const elements = 3 + (rate !== null || tags !== null ? 1 : 0) + (tags !== null ? 1 : 0)
    return [...(matchingHeader ? [0x90 + elements] : header), ...rest]
  })
// [9, clientId, sequence, flushIntervalMs, {name: count}]
const inflightSoupArb = fc
  .tuple(pick(STRINGS), pick(NUMBERS), pick(NUMBERS), pick(INFLIGHT_MAPS), rarely(JUNK))
  .map(([clientId, sequence, interval, entries, junk]) => [
    0x95,
    0x09,
    ...clientId,
    ...sequence,
    ...interval,
    ...entries,
    ...(junk ?? []),
  ])
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
  tags: fc.option(
    fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
    { nil: null },
  ),
})
const reportArb = fc.record({
  clientId: fc.string({ minLength: 1, maxLength: 8 }),
  sequence: fc.integer({ min: 0, max: 0xffffffff }),
  flushIntervalMs: fc.integer({ min: 1, max: 60_000 }),
  entries: fc.array(fc.tuple(nameArb, fc.integer({ min: 0, max: 0xffffffff })), { maxLength: 4 }),
})
const mutatedBatchArb = fc
  .record({
    items: fc.array(fc.oneof({ weight: 4, arbitrary: appendArb }, { weight: 1, arbitrary: reportArb }), {
      minLength: 1,
      maxLength: 6,
    }),
    flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
    cut: fc.option(fc.nat(), { nil: null }),
  })
  .map(({ items, flips, cut }) => {
    const bytes = datagram((encoder) => {
      for (const item of items) {
        if ('kind' in item) {
          const tags = encodeTags(item.tags)
          const name = encodeName(item.name)
          if (typeof name !== 'string' && typeof tags !== 'string')
            encoder.append(item.kind, name, item.value, item.sampleRate, tags)
        } else {
          const clientId = encodeClientId(item.clientId)
          const names = item.entries.map((entry) => encodeName(entry[0]))
          const counts = item.entries.map((entry) => entry[1])
          const encodedNames = names.filter((n): n is Uint8Array => typeof n !== 'string')
          if (typeof clientId !== 'string' && encodedNames.length === names.length)
            encoder.appendInflightReport(clientId, item.sequence, item.flushIntervalMs, encodedNames, counts, 0)
        }
      }
    })
    for (const [at, byte] of flips) bytes[at % bytes.length] = byte
    return cut === null ? bytes : bytes.subarray(0, cut % (bytes.length + 1))
  })

function outcomes(stats: DecodeStats): { accepted: number; eventsInvalid: number; datagramsInvalid: number } {
  const sum = (values: Float64Array): number => values.reduce((a, b) => a + b, 0)
  return {
    accepted: sum(stats.eventsByKind),
    eventsInvalid: sum(stats.eventsInvalid),
    datagramsInvalid: sum(stats.datagramsInvalid),
  }
}

/** Lines of StatsD text that are not empty once a trailing '\r' is dropped. */
function nonEmptyLines(bytes: Uint8Array): number {
  return Buffer.from(bytes)
    .toString('latin1')
    .split('\n')
    .filter((line) => line.replace(/\r$/, '') !== '').length
}

/**
 * One datagram must not throw. A protocol v1 datagram ends in at least one event, header or
 * reason; StatsD text (anything not starting with 0xFE) in one event or one line reason per line.
 */
function checkOneDatagram(router: DatagramRouter, bytes: Uint8Array): void {
  const headersTaken = (): number => router.senders.rows().reduce((n, row) => n + row.received, 0) // SPEC §3.3
  const headersBefore = headersTaken()
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
    expect(after.accepted - before.accepted + (statsd.setEvents - setsBefore)).toBeGreaterThanOrEqual(
      lines - invalidLines,
    )
    return
  }
  const headers = headersTaken() - headersBefore
  expect(
    after.accepted - before.accepted + (after.eventsInvalid - before.eventsInvalid) + datagramReasons + headers,
  ).toBeGreaterThanOrEqual(1)
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

// The same check over two sources of datagrams: bytes at random, and valid batches damaged.
const datagramSources = [
  { title: 'never throws, and every datagram yields an event or a reason', bytes: randomBytesArb, maxLength: 4 },
  { title: 'never throws on valid batches with flipped bytes or cut short', bytes: mutatedBatchArb, maxLength: 3 },
]

describe('DatagramRouter on random bytes', () => {
  it.each(datagramSources)('$title (10 000 runs)', ({ bytes, maxLength }) => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ advanceMs: advanceArb, bytes }), { minLength: 1, maxLength }),
        checkDatagramSequence,
      ),
      { numRuns: 10_000 },
    )
  })
})
