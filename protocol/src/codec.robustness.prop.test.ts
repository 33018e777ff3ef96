// Robustness properties of the decoder: no byte string (random, shaped like msgpack, cut short or
// a mutated valid datagram) makes it throw or go silent, and it never reads past `length`.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PREFIX, RUNS, batchInput, encodeBatch } from './codec.arbitraries.fixture.js'
import { collectDatagram } from './collect.js'
import { type EventSink, type EventView, type InflightReportView, decodeDatagram } from './decode.js'
import { DATAGRAM_REASONS, EVENT_REASONS } from './reasons.js'

// The decoder's contract on any bytes: no throw, a known reason or at least one item, and only
// known event reasons.
function expectDecodesSafely(bytes: Uint8Array): void {
  const { items, reason } = collectDatagram(bytes)
  if (reason === null) expect(items.length).toBeGreaterThan(0)
  else expect(DATAGRAM_REASONS).toContain(reason)
  for (const item of items) if (item.kind === 'invalid') expect(EVENT_REASONS).toContain(item.reason)
}

// Bytes that steer random input into msgpack headers, limits and the bad_encoding bytes.
const msgpackByte = fc.oneof(
  fc.integer({ min: 0, max: 255 }),
  fc.constantFrom(
    0x90,
    0x91,
    0x93,
    0x94,
    0x95,
    0x96,
    0x80,
    0x81,
    0xa0,
    0xa1,
    0xc0,
    0xc1,
    0xc2,
    0xc4,
    0xc7,
    0xca,
    0xcb,
    0xcc,
    0xcf,
  ),
  fc.constantFrom(0xd3, 0xd4, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xff, 0x01, 0x09, 0x0a, 0x61),
)

class RecordingSink implements EventSink {
  readonly calls: unknown[][] = []
  onEvent(_buf: Uint8Array, event: Readonly<EventView>): void {
    // A copy: the decoder reuses the view for the next event.
    this.calls.push(['event', { ...event }])
  }
  onInflightReport(_buf: Uint8Array, report: Readonly<InflightReportView>): void {
    this.calls.push(['report', { ...report }])
  }
  onInflightEntry(_buf: Uint8Array, ...rest: number[]): void {
    this.calls.push(['entry', ...rest])
  }
  onEventInvalid(reason: string): void {
    this.calls.push(['invalid', reason])
  }
}

describe('random bytes', () => {
  it('without the prefix never throw and always give a reason or items', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), expectDecodesSafely), { numRuns: RUNS })
  })

  it('after the prefix never throw and always give a reason or items', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (body) => expectDecodesSafely(Buffer.concat([PREFIX, body]))),
      { numRuns: RUNS },
    )
  })

  it('shaped like msgpack, after the prefix, never throw and always give a reason or items', () => {
    fc.assert(
      fc.property(fc.array(msgpackByte, { maxLength: 300 }), (body) =>
        expectDecodesSafely(Buffer.concat([PREFIX, Uint8Array.from(body)])),
      ),
      { numRuns: RUNS },
    )
  })

  it('are never read past `length`', () => {
    fc.assert(
      fc.property(fc.array(msgpackByte, { maxLength: 200 }), fc.nat(), (body, cut) => {
        const whole = Buffer.concat([PREFIX, Uint8Array.from(body)])
        const length = cut % (whole.length + 1)
        const inPlace = new RecordingSink()
        const copied = new RecordingSink()
        const reasonInPlace = decodeDatagram(whole, length, inPlace)
        const reasonCopied = decodeDatagram(whole.subarray(0, length), length, copied)
        expect([reasonInPlace, inPlace.calls]).toEqual([reasonCopied, copied.calls])
      }),
      { numRuns: RUNS },
    )
  })
})

type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; byte: number }
  | { op: 'insert'; at: number; byte: number }
  | { op: 'delete'; at: number }
  | { op: 'truncate'; at: number }

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), byte: msgpackByte }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), byte: msgpackByte }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
)

function mutate(bytes: Buffer, m: Mutation): Buffer {
  const at = m.at % (bytes.length + 1)
  switch (m.op) {
    case 'flip': {
      const out = Buffer.from(bytes)
      if (at < out.length) out[at] = (out[at] ?? 0) ^ (1 << m.bit)
      return out
    }
    case 'set': {
      const out = Buffer.from(bytes)
      if (at < out.length) out[at] = m.byte
      return out
    }
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), Uint8Array.of(m.byte), bytes.subarray(at)])
    case 'delete':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)])
    case 'truncate':
      return bytes.subarray(0, at)
  }
}

describe('mutated valid datagrams', () => {
  it('never throw and always give a reason or items', () => {
    fc.assert(
      fc.property(batchInput, fc.array(mutation, { minLength: 1, maxLength: 4 }), (inputs, mutations) => {
        let bytes = encodeBatch(inputs)
        for (const m of mutations) bytes = mutate(bytes, m)
        expectDecodesSafely(bytes)
      }),
      { numRuns: RUNS },
    )
  })
})
