// The writer against protobufjs' reader: varints to 2^53, zigzag, doubles, strings, and nested
// lengths whose reserved prefix was too short or too long.
import protobuf from 'protobufjs'
import { describe, expect, it } from 'vitest'
import { ProtobufWriter, varintSize } from './protobuf-writer.js'

describe('ProtobufWriter', () => {
  it('writes varints and zigzag values that protobufjs reads back', () => {
    const values = [
      0,
      1,
      127,
      128,
      300,
      16383,
      16384,
      2 ** 31 - 1,
      2 ** 31,
      2 ** 32 - 1,
      2 ** 32,
      2 ** 40 + 5,
      2 ** 53 - 1,
    ]
    const w = new ProtobufWriter(4)
    for (const v of values) w.varint(v)
    for (const v of [0, -1, 1, -64, 64, -(2 ** 40), 2 ** 40, -(2 ** 52)]) w.zigzag(v)
    const r = protobuf.Reader.create(w.toBuffer())
    for (const v of values) expect(Number(r.uint64())).toBe(v)
    for (const v of [0, -1, 1, -64, 64, -(2 ** 40), 2 ** 40, -(2 ** 52)]) expect(Number(r.sint64())).toBe(v)
    expect(r.pos).toBe(r.len)
    for (const v of values) {
      const one = new ProtobufWriter()
      one.varint(v)
      expect(one.pos, String(v)).toBe(varintSize(v))
    }
  })

  it('fixes the length prefix of nested messages whatever was reserved', () => {
    for (const [reserve, bodyBytes] of [
      [1, 5],
      [1, 200],
      [1, 20_000],
      [2, 3],
      [3, 70_000],
      [3, 3_000_000],
    ] as const) {
      const w = new ProtobufWriter(16)
      w.begin(4, reserve)
      w.stringField(1, 'x'.repeat(bodyBytes))
      w.end()
      w.doubleField(2, 0.25)
      const r = protobuf.Reader.create(w.toBuffer())
      expect(r.uint32()).toBe((4 << 3) | 2)
      const inner = r.bytes()
      const innerReader = protobuf.Reader.create(inner)
      expect(innerReader.uint32()).toBe((1 << 3) | 2)
      expect(innerReader.string().length).toBe(bodyBytes)
      expect(r.uint32()).toBe((2 << 3) | 1)
      expect(r.double()).toBe(0.25)
    }
  })

  it('writes UTF-8 strings by byte length and delimited messages', () => {
    const w = new ProtobufWriter()
    w.beginDelimited()
    w.stringField(1, 'größe ✓')
    w.end()
    const r = protobuf.Reader.create(w.toBuffer())
    const length = r.uint32()
    expect(length).toBe(w.pos - 1)
    expect(r.uint32()).toBe(10)
    expect(r.string()).toBe('größe ✓')
  })
})
