// Type 10, set (SPEC.md §3.2): the member's byte range reaches the sink through the EventView,
// every bad member is bad_value, and BatchEncoder.appendSet writes the canonical bytes.
import { describe, expect, it } from 'vitest'
import { type EventSink, type EventView, decodeDatagram, decodeText } from './decode.js'
import { BatchEncoder, encodeName, encodeTags, setMemberReason } from './encode.js'
import type { EventReason } from './reasons.js'
import { EVENT_KIND, MAX_SET_MEMBER_BYTES } from './spec.js'

const PREFIX = 'fe544d01'

// What a sink sees of each event: kind, name, member text and the view's raw fields.
class RecordingSink implements EventSink {
  readonly events: Array<
    Omit<EventView, 'nameStart' | 'nameEnd' | 'tagsStart' | 'tagsEnd' | 'hasExemplar' | 'exemplarIds'> & {
      member: string
    }
  > = []
  readonly reasons: EventReason[] = []
  onEvent(buf: Uint8Array, e: Readonly<EventView>): void {
    const member = decodeText(buf, e.memberStart, e.memberEnd)
    const { kind, value, sampleRate, tagCount, memberStart, memberEnd } = e
    this.events.push({ kind, value, sampleRate, tagCount, memberStart, memberEnd, member })
  }
  onInflightReport(): void {}
  onInflightEntry(): void {}
  onEventInvalid(reason: EventReason): void {
    this.reasons.push(reason)
  }
}

function decodeHex(hex: string): RecordingSink {
  const sink = new RecordingSink()
  const bytes = Buffer.from(PREFIX + hex.replace(/\s+/g, ''), 'hex')
  expect(decodeDatagram(bytes, bytes.length, sink)).toBeNull()
  return sink
}

function name(text: string): Uint8Array {
  const encoded = encodeName(text)
  if (typeof encoded === 'string') throw new Error(encoded)
  return encoded
}

describe('decoding a set event', () => {
  it('gives the member as a byte range, value 0; the next timing has member 0 / 0', () => {
    const sink = decodeHex('93 0a a5 7573657273 a2 3432  93 01 a1 74 05')
    expect(sink.events).toEqual([
      { kind: EVENT_KIND.set, value: 0, sampleRate: 1, tagCount: 0, memberStart: 13, memberEnd: 15, member: '42' },
      { kind: EVENT_KIND.timing, value: 5, sampleRate: 1, tagCount: 0, memberStart: 0, memberEnd: 0, member: '' },
    ])
  })

  it('accepts a rate and tags like any event', () => {
    const sink = decodeHex('95 0a a1 73 a1 78 cb 3fe0000000000000 81 a1 6b a1 76')
    expect(sink.events.map((e) => [e.member, e.sampleRate, e.tagCount])).toEqual([['x', 0.5, 1]])
  })

  it.each([
    ['a number', '2a'],
    ['a float', 'cb 4045000000000000'],
    ['nil', 'c0'],
    ['bool', 'c3'],
    ['bin', 'c401 34'],
    ['an array', '91 a1 34'],
    ['an empty str', 'a0'],
    ['a 201-byte str', `d9 c9 ${'61'.repeat(201)}`],
  ])('rejects %s as the member with bad_value and decodes on', (_what, memberHex) => {
    const sink = decodeHex(`95 0a a1 73 ${memberHex} c0 81 a1 6b a1 76  93 01 a2 6f6b 01`)
    expect(sink.reasons).toEqual(['bad_value'])
    expect(sink.events.map((e) => e.kind)).toEqual([EVENT_KIND.timing])
  })

  it('takes a member of exactly MAX_SET_MEMBER_BYTES', () => {
    const sink = decodeHex(`93 0a a1 73 d9 c8 ${'62'.repeat(MAX_SET_MEMBER_BYTES)}`)
    expect(sink.events[0]?.member).toBe('b'.repeat(MAX_SET_MEMBER_BYTES))
  })

  it('checks the name first, as for every kind', () => {
    expect(decodeHex('93 0a a0 a1 78').reasons).toEqual(['bad_name'])
    expect(decodeHex(`93 0a d9 c9 ${'61'.repeat(201)} a0`).reasons).toEqual(['name_too_long'])
  })

  it('reads type 12 as bad_type: set is the last event kind this decoder knows (11 is the exemplar)', () => {
    expect(decodeHex('93 0c a1 73 a1 78').reasons).toEqual(['bad_type'])
  })
})

describe('BatchEncoder.appendSet', () => {
  it('writes a string member and the same member as bytes identically (SPEC §3.2 example)', () => {
    const a = new BatchEncoder()
    const b = new BatchEncoder()
    expect(a.appendSet(name('users'), '42', 1, null)).toBe(true)
    expect(b.appendSet(name('users'), Buffer.from('42'), 1, null)).toBe(true)
    expect(a.datagram().toString('hex')).toBe('fe544d01930aa57573657273a23432')
    expect(b.datagram().equals(a.datagram())).toBe(true)
    expect(a.eventCount).toBe(1)
  })

  it('writes UTF-8 in place, with nil for the rate when there are tags', () => {
    const encoder = new BatchEncoder()
    const tags = encodeTags({ k: 'v' })
    if (!(tags instanceof Uint8Array)) throw new Error('tags did not encode')
    encoder.appendSet(name('s'), 'é', 1, tags)
    expect(encoder.datagram().toString('hex')).toBe('fe544d01950aa173a2c3a9c081a16ba176')
  })

  it('returns false and writes nothing when the event does not fit', () => {
    const encoder = new BatchEncoder(64)
    expect(encoder.appendSet(name('s'), 'x'.repeat(40), 1, null)).toBe(true)
    const length = encoder.length
    expect(encoder.appendSet(name('s'), 'y'.repeat(40), 1, null)).toBe(false)
    expect(encoder.length).toBe(length)
    expect(encoder.eventCount).toBe(1)
  })
})

describe('setMemberReason', () => {
  it('takes 1..200 UTF-8 bytes, as a string or bytes', () => {
    expect(setMemberReason('x')).toBeNull()
    expect(setMemberReason('é'.repeat(100))).toBeNull()
    expect(setMemberReason(new Uint8Array(200))).toBeNull()
  })

  it.each([
    ['a number', 42],
    ['undefined', undefined],
    ['an empty string', ''],
    ['201 ASCII bytes', 'a'.repeat(201)],
    ['201 bytes in 101 characters', `a${'é'.repeat(100)}`],
    ['empty bytes', new Uint8Array(0)],
  ])('is bad_value for %s', (_what, member) => {
    expect(setMemberReason(member)).toBe('bad_value')
  })
})
