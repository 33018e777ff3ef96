// Edge cases of the msgpack readers: every width, every cut-off point, the bytes SPEC §5 calls
// bad_encoding, and nesting deep enough to overflow a recursive skipper.
import { describe, expect, it } from 'vitest'
import { collectDatagram } from './collect.js'
import {
  BAD_ENCODING,
  NIL,
  TRUNCATED,
  WRONG_TYPE,
  readContainerHeader,
  readNumber,
  readResult,
  readStr,
  skipValues,
} from './msgpack-read.js'

const bytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex'))

function numberOf(hex: string): number {
  const buf = bytes(hex)
  expect(readNumber(buf, 0, buf.length)).toBe(buf.length)
  return readResult.number
}

// SPEC §5: 0xC1 and the ext family (fixext 1..16, ext 8/16/32) start no value we accept.
const BAD_ENCODING_BYTES = [0xc1, 0xc7, 0xc8, 0xc9, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8]

describe('readNumber', () => {
  it.each([
    ['00', 0],
    ['7f', 127],
    ['e0', -32],
    ['ff', -1],
    ['ccff', 255],
    ['cdffff', 65535],
    ['ceffffffff', 4294967295],
    ['cf001fffffffffffff', 2 ** 53 - 1],
    ['cf0000000100000000', 2 ** 32],
    ['cfffffffffffffffff', 2 ** 64],
    ['d07f', 127],
    ['d080', -128],
    ['d18000', -32768],
    ['d27fffffff', 2147483647],
    ['d280000000', -2147483648],
    ['d3ffffffffffffffff', -1],
    ['d38000000000000000', -(2 ** 63)],
    ['d3ffe0000000000001', -(2 ** 53) + 1],
    ['d30000000100000000', 2 ** 32],
    ['ca3f800000', 1],
    ['ca4144cccd', 12.300000190734863],
    ['cb402899999999999a', 12.3],
    ['cb0000000000000001', 5e-324],
  ])('%s reads as %d', (hex, expected) => {
    expect(numberOf(hex)).toBe(expected)
  })

  it('reads NaN, infinities and -0 as they are (the decoder, not the reader, rejects them)', () => {
    expect(numberOf('cb7ff8000000000000')).toBeNaN()
    expect(numberOf('caff800000')).toBe(-Infinity)
    expect(numberOf('cb7ff0000000000000')).toBe(Infinity)
    expect(Object.is(numberOf('cb8000000000000000'), -0)).toBe(true)
  })

  it('reads at an offset and stops at `end`, not at the array length', () => {
    const buf = bytes('00 cd0102 cd0304')
    expect(readNumber(buf, 1, buf.length)).toBe(4)
    expect(readResult.number).toBe(0x0102)
    expect(readNumber(buf, 4, 6)).toBe(TRUNCATED)
    expect(readNumber(buf, 7, 7)).toBe(TRUNCATED)
  })

  it.each([
    'cc',
    'cd00',
    'ce000000',
    'cf00000000000000',
    'd0',
    'd100',
    'd2000000',
    'd300000000000000',
    'ca000000',
    'cb00000000000000',
  ])('%s (one byte short) is truncated', (hex) => {
    const buf = bytes(hex)
    expect(readNumber(buf, 0, buf.length)).toBe(TRUNCATED)
  })

  it('tells nil, bad encodings and other types apart', () => {
    expect(readNumber(bytes('c0'), 0, 1)).toBe(NIL)
    for (const b of BAD_ENCODING_BYTES) expect(readNumber(Uint8Array.of(b), 0, 1), b.toString(16)).toBe(BAD_ENCODING)
    for (const b of [0x80, 0x90, 0xa0, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf]) {
      expect(readNumber(Uint8Array.of(b), 0, 1), b.toString(16)).toBe(WRONG_TYPE)
    }
  })
})

describe('readStr', () => {
  it.each([
    ['a0', 1, 1],
    ['a3616263', 1, 4],
    ['d903616263', 2, 5],
    ['da0003616263', 3, 6],
    ['db00000003616263', 5, 8],
    ['d900', 2, 2],
  ])('%s has its payload at [%d, %d)', (hex, start, end) => {
    const buf = bytes(hex)
    expect(readStr(buf, 0, buf.length)).toBe(end)
    expect([readResult.strStart, readResult.strEnd]).toEqual([start, end])
  })

  it.each(['', 'd9', 'da00', 'db000000', 'a36162', 'd9036162', 'da00036162', 'db000000036162', 'dbffffffff61'])(
    '%s is truncated',
    (hex) => {
      const buf = bytes(hex)
      expect(readStr(buf, 0, buf.length)).toBe(TRUNCATED)
    },
  )

  it('tells nil, bad encodings and other types apart', () => {
    expect(readStr(bytes('c0'), 0, 1)).toBe(NIL)
    for (const b of BAD_ENCODING_BYTES) expect(readStr(Uint8Array.of(b, 0, 0), 0, 3), b.toString(16)).toBe(BAD_ENCODING)
    for (const b of [0x00, 0xff, 0x90, 0x80, 0xc4, 0xcb, 0xc3])
      expect(readStr(Uint8Array.of(b, 0, 0), 0, 3), b.toString(16)).toBe(WRONG_TYPE)
  })
})

describe('readContainerHeader', () => {
  it.each([
    ['90', false, 0, 1],
    ['9f', false, 15, 1],
    ['dc0100', false, 256, 3],
    ['dd00010000', false, 65536, 5],
    ['80', true, 0, 1],
    ['8f', true, 15, 1],
    ['de0010', true, 16, 3],
    ['df00000011', true, 17, 5],
  ] as const)('%s (map: %s) has %d elements and ends at %d', (hex, map, count, end) => {
    const buf = bytes(hex)
    expect(readContainerHeader(buf, 0, buf.length, map)).toBe(end)
    expect(readResult.count).toBe(count)
  })

  it('does not take an array for a map or a map for an array', () => {
    expect(readContainerHeader(bytes('81'), 0, 1, false)).toBe(WRONG_TYPE)
    expect(readContainerHeader(bytes('91'), 0, 1, true)).toBe(WRONG_TYPE)
    expect(readContainerHeader(bytes('de0001'), 0, 3, false)).toBe(WRONG_TYPE)
    expect(readContainerHeader(bytes('dc0001'), 0, 3, true)).toBe(WRONG_TYPE)
  })

  it('reports cut-off headers, nil and bad encodings', () => {
    for (const [hex, map] of [
      ['dc00', false],
      ['dd000000', false],
      ['de', true],
      ['df0000', true],
    ] as const) {
      const buf = bytes(hex)
      expect(readContainerHeader(buf, 0, buf.length, map), hex).toBe(TRUNCATED)
    }
    expect(readContainerHeader(new Uint8Array(0), 0, 0, false)).toBe(TRUNCATED)
    expect(readContainerHeader(bytes('c0'), 0, 1, true)).toBe(NIL)
    for (const b of BAD_ENCODING_BYTES) expect(readContainerHeader(Uint8Array.of(b), 0, 1, false)).toBe(BAD_ENCODING)
  })
})

describe('skipValues', () => {
  const skip = (hex: string, values = 1): number => {
    const buf = bytes(hex)
    return skipValues(buf, 0, buf.length, values)
  }

  it('skips each kind of value whole', () => {
    const values = [
      '00',
      'ff',
      'c0',
      'c2',
      'c3',
      'cc01',
      'cd0102',
      'ce01020304',
      'cf0102030405060708',
      'd001',
      'd10102',
      'd201020304',
      'd30102030405060708',
      'ca01020304',
      'cb0102030405060708',
      'a26162',
      'd9026162',
      'da00026162',
      'db000000026162',
      'c4026162',
      'c500026162',
      'c6000000026162',
      '92 01 02',
      'dc0002 01 02',
      'dd00000002 01 02',
      '81 a1 61 01',
      'de0001 a1 61 01',
      'df00000001 a1 61 01',
    ]
    for (const hex of values) expect(skip(hex), hex).toBe(bytes(hex).length)
    expect(skip(values.join(''), values.length)).toBe(bytes(values.join('')).length)
  })

  it('counts nested elements: an array of maps of arrays', () => {
    expect(skip('92 81 a1 61 92 01 02 80  c0', 2)).toBe(bytes('92 81 a1 61 92 01 02 80 c0').length)
  })

  it('stops at an ext value or 0xC1 anywhere inside', () => {
    for (const b of BAD_ENCODING_BYTES)
      expect(skip(`92 01 ${b.toString(16)} 00 00 00`), b.toString(16)).toBe(BAD_ENCODING)
  })

  it('reports truncation inside fixed widths, string bodies and containers', () => {
    for (const hex of [
      'cb000000',
      'a3 6162',
      'd9',
      'da00',
      'db000000',
      'c4',
      'c6000000',
      'dc00',
      'dd000000',
      'de00',
      'df000000',
      '93 01 02',
      '82 a1 61 01',
    ]) {
      expect(skip(hex), hex).toBe(TRUNCATED)
    }
  })

  it('gives up on a huge container count as soon as the bytes run out', () => {
    expect(skip('ddffffffff 01 02 03')).toBe(TRUNCATED)
    expect(skip('dfffffffff 01 02 03')).toBe(TRUNCATED)
  })

  it('walks 100 000 nested array headers without recursion', () => {
    const depth = 100_000
    const nested = new Uint8Array(depth + 1).fill(0x91)
    nested[depth] = 0xc0
    expect(skipValues(nested, 0, nested.length, 1)).toBe(nested.length)
    expect(skipValues(nested, 0, depth, 1)).toBe(TRUNCATED)
  })
})

describe('decodeDatagram on deep nesting', () => {
  const depth = 100_000
  const datagram = (head: string, nestedEnd: string, tail: string): Uint8Array =>
    Buffer.concat([bytes('fe544d01' + head), new Uint8Array(depth).fill(0x91), bytes(nestedEnd + tail)])
  const ok = { kind: 'timing', name: 'ok', value: 1, sampleRate: 1, tags: null }

  it('skips a value nested 100 000 deep and goes on', () => {
    expect(collectDatagram(datagram('93 01 a1 61', 'c0', '93 01 a2 6f6b 01'))).toEqual({
      items: [{ kind: 'invalid', reason: 'bad_value' }, ok],
      reason: null,
    })
  })

  it('skips an event nested 100 000 deep and goes on', () => {
    expect(collectDatagram(datagram('', 'c0', '93 01 a2 6f6b 01'))).toEqual({
      items: [{ kind: 'invalid', reason: 'bad_shape' }, ok],
      reason: null,
    })
  })

  it('reports truncation when the nesting never closes', () => {
    expect(collectDatagram(datagram('95 02 a1 61 01 c0', '', ''))).toEqual({ items: [], reason: 'truncated' })
  })
})
