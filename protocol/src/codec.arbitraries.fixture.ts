// Shared by the codec property tests (codec.roundtrip.prop.test.ts, codec.robustness.prop.test.ts):
// arbitraries for events, in-flight reports and batches within the limits, and the encoder that
// turns a batch into a datagram. Test-only (the build excludes *.fixture.ts).
import fc from 'fast-check'
import { expect } from 'vitest'
import { BatchEncoder, type EncodedBytes, encodeClientId, encodeName, encodeTags, setMemberReason } from './encode.js'
import { MAX_DATAGRAM_BYTES, isDurationKind } from './spec.js'

// 10 000 runs per property, so that rare shapes (a map16, an int at a width boundary) come up many
// times; each test file still runs in seconds.
export const RUNS = 10_000
export const PREFIX = Uint8Array.of(0xfe, 0x54, 0x4d, 0x01)

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8')

// Text of minBytes..maxBytes UTF-8 bytes: mostly ASCII (long, up to the limit) or any code point
// (short: at most 4 bytes each). 'binary' never yields lone surrogates, which could not round-trip.
function text(minBytes: number, maxBytes: number): fc.Arbitrary<string> {
  return fc
    .oneof(
      fc.string({ unit: 'binary-ascii', minLength: minBytes, maxLength: maxBytes }),
      fc.string({ unit: 'binary', minLength: minBytes, maxLength: Math.floor(maxBytes / 4) || maxBytes }),
      fc.string({ unit: 'grapheme', minLength: minBytes, maxLength: Math.floor(maxBytes / 8) || maxBytes }),
    )
    .filter((s) => utf8Bytes(s) >= minBytes && utf8Bytes(s) <= maxBytes)
}

// Each msgpack int width must come up often: a uniform integer over ±2^32 almost never lands in
// int16's range (a planted int16 bug went unnoticed that way), so pick the magnitude's bit count
// first, and add the exact width boundaries of SPEC §4 (±2 around each).
const WIDTH_BOUNDARIES = [
  0,
  127,
  128,
  255,
  256,
  65535,
  65536,
  2 ** 32 - 1,
  2 ** 32,
  -32,
  -33,
  -128,
  -129,
  -32768,
  -32769,
  -(2 ** 31),
  -(2 ** 31) - 1,
]
const finiteNumber = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: 0, max: 53 }).chain((bits) => fc.integer({ min: -(2 ** bits), max: 2 ** bits })),
  fc
    .tuple(fc.constantFrom(...WIDTH_BOUNDARIES), fc.integer({ min: -2, max: 2 }))
    .map(([boundary, offset]) => boundary + offset),
  fc.maxSafeInteger(),
)
const sampleRate = fc.oneof(fc.constant(1), fc.double({ min: Number.MIN_VALUE, max: 1, noNaN: true }))
const tagPairs = fc.uniqueArray(fc.tuple(text(1, 64), text(0, 200)), { maxLength: 16, selector: ([key]) => key })

export interface EventInput {
  op: 'append'
  kind: number
  name: string
  value: number
  sampleRate: number
  tags: Array<[string, string]>
  /** Trace id and span id as hex, staged before the event (SPEC §3.4); null: none. */
  exemplar: { traceId: string; spanId: string } | null
}
export interface ReportInput {
  op: 'inflight'
  clientId: string
  sequence: number
  flushIntervalMs: number
  entries: Array<[string, number]>
}
export interface SetInput {
  op: 'set'
  name: string
  member: string
  sampleRate: number
  tags: Array<[string, string]>
}
export type Input = EventInput | SetInput | ReportInput

// W3C ids: random bytes, never all zero.
const id = (bytes: number) =>
  fc
    .uint8Array({ minLength: bytes, maxLength: bytes })
    .filter((b) => b.some((x) => x !== 0))
    .map((b) => Buffer.from(b).toString('hex'))
const exemplar = fc.option(fc.record({ traceId: id(16), spanId: id(8) }), { freq: 3 })

const eventInput: fc.Arbitrary<EventInput> = fc
  .record({
    kind: fc.integer({ min: 1, max: 8 }),
    name: text(1, 200),
    value: finiteNumber,
    sampleRate,
    tags: tagPairs,
    exemplar,
  })
  // Durations are ≥ 0 (SPEC §3): a client rejects negative ones before encoding.
  .map((e) => ({ op: 'append' as const, ...e, value: isDurationKind(e.kind) ? Math.abs(e.value) : e.value }))

const setInput: fc.Arbitrary<SetInput> = fc.record({
  op: fc.constant('set' as const),
  name: text(1, 200),
  member: text(1, 200),
  sampleRate,
  tags: tagPairs,
})

export const reportInput: fc.Arbitrary<ReportInput> = fc.record({
  op: fc.constant('inflight' as const),
  clientId: text(1, 64),
  sequence: fc.integer({ min: 0, max: 0xffffffff }),
  flushIntervalMs: fc.integer({ min: 1, max: 60_000 }),
  // Up to 40 entries, so map16 (≥ 16) comes up too.
  entries: fc.uniqueArray(fc.tuple(text(1, 200), fc.integer({ min: 0, max: 0xffffffff })), {
    maxLength: 40,
    selector: ([name]) => name,
  }),
})

export const batchInput = fc.array(
  fc.oneof(
    { arbitrary: eventInput, weight: 4 },
    { arbitrary: setInput, weight: 1 },
    { arbitrary: reportInput, weight: 1 },
  ),
  {
    minLength: 1,
    maxLength: 6,
  },
)

function wire<T>(encoded: T | string): T {
  if (typeof encoded === 'string') throw new Error(`input within limits was rejected: ${encoded}`)
  return encoded
}

// One encoder of the largest size for every run: a batch of 6 maximal events fits in 65507 bytes.
const encoder = new BatchEncoder(MAX_DATAGRAM_BYTES)

export function encodeBatch(inputs: readonly Input[]): Buffer {
  encoder.reset()
  for (const input of inputs) {
    if (input.op === 'append') {
      const tags = wire(encodeTags(new Map(input.tags)))
      const ids = input.exemplar
      if (ids !== null)
        expect(encoder.appendExemplar(Buffer.from(ids.traceId, 'hex'), Buffer.from(ids.spanId, 'hex'))).toBe(true)
      expect(encoder.append(input.kind, wire(encodeName(input.name)), input.value, input.sampleRate, tags)).toBe(true)
    } else if (input.op === 'set') {
      const tags = wire(encodeTags(new Map(input.tags)))
      expect(setMemberReason(input.member)).toBeNull()
      expect(encoder.appendSet(wire(encodeName(input.name)), input.member, input.sampleRate, tags)).toBe(true)
    } else {
      const names: EncodedBytes[] = input.entries.map(([name]) => wire(encodeName(name)))
      const counts = input.entries.map(([, count]) => count)
      const written = encoder.appendInflightReport(
        wire(encodeClientId(input.clientId)),
        input.sequence,
        input.flushIntervalMs,
        names,
        counts,
        0,
      )
      expect(written).toBe(names.length)
    }
  }
  return Buffer.from(encoder.datagram())
}
