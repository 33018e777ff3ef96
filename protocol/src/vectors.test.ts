// The golden vectors (protocol/vectors/*.json, format in protocol/vectors/README.md) against our
// decoder, and the canonical ones against our encoder byte for byte. SPEC.md calls the vectors
// normative, so a codec change that breaks one is a wire change.
import { describe, expect, it } from 'vitest'
import { collectDatagram } from './collect.js'
import {
  BatchEncoder,
  type EncodedBytes,
  encodeClientId,
  encodeName,
  encodeSenderId,
  encodeTags,
  setMemberReason,
} from './encode.js'
import { DATAGRAM_REASONS, EVENT_REASONS } from './reasons.js'
import { MAX_DATAGRAM_BYTES } from './spec.js'
import { type EncodeOp, type Vector, isInvalidVector, loadVectorFiles } from './vectors.fixture.js'

function wireBytes<T>(encoded: T | string, what: string): T {
  if (typeof encoded === 'string') throw new Error(`${what} did not encode: ${encoded}`)
  return encoded
}

function encodeOps(ops: readonly EncodeOp[]): string {
  // Largest datagram, so that only the bytes are under test, not the fit logic. A header op comes
  // first: it is the encoder's sender id, written by reset() with the datagram's sequence.
  const first = ops[0]
  const senderId = first?.op === 'header' ? wireBytes(encodeSenderId(first.clientId), first.clientId) : null
  const encoder = new BatchEncoder(MAX_DATAGRAM_BYTES, senderId)
  if (first?.op === 'header') encoder.reset(first.sequence)
  for (const op of ops) {
    if (op.op === 'header') expect(op, 'a header op only first').toBe(first)
    else if (op.op === 'exemplar')
      expect(encoder.appendExemplar(Buffer.from(op.traceId, 'hex'), Buffer.from(op.spanId, 'hex'))).toBe(true)
    else if (op.op === 'append' || op.op === 'set') {
      const tags = op.tags === null ? null : encodeTags(new Map(op.tags))
      if (typeof tags === 'string') throw new Error(`tags did not encode: ${tags}`)
      const name = wireBytes(encodeName(op.name), op.name)
      if (op.op === 'append') expect(encoder.append(op.kind, name, op.value, op.sampleRate, tags)).toBe(true)
      else {
        expect(setMemberReason(op.member)).toBeNull()
        expect(encoder.appendSet(name, op.member, op.sampleRate, tags)).toBe(true)
      }
    } else {
      const names: EncodedBytes[] = []
      const counts: number[] = []
      for (const [name, count] of op.entries) {
        names.push(wireBytes(encodeName(name), name))
        counts.push(count)
      }
      const clientId = wireBytes(encodeClientId(op.clientId), op.clientId)
      expect(encoder.appendInflightReport(clientId, op.sequence, op.flushIntervalMs, names, counts, 0)).toBe(
        names.length,
      )
    }
  }
  return encoder.datagram().toString('hex')
}

const files = loadVectorFiles()
const all: Vector[] = files.flatMap((f) => f.vectors)

describe.each(files)('vectors in $file', ({ vectors }) => {
  it.each(vectors)('$name decodes to its items and reason', (vector) => {
    expect(collectDatagram(Buffer.from(vector.hex, 'hex'))).toEqual({ items: vector.items, reason: vector.reason })
  })

  const canonical = vectors.filter((v) => v.canonical)
  if (canonical.length > 0) {
    it.each(canonical)('$name is what the encoder writes, byte for byte', (vector) => {
      expect(vector.encode).toBeDefined()
      expect(encodeOps(vector.encode ?? [])).toBe(vector.hex)
    })
  }
})

describe('vector set', () => {
  it('is large enough and covers every reason', () => {
    expect(all.length).toBeGreaterThanOrEqual(30)
    expect(all.filter(isInvalidVector).length).toBeGreaterThanOrEqual(10)
    const datagramReasons = new Set(all.map((v) => v.reason))
    expect(DATAGRAM_REASONS.filter((r) => !datagramReasons.has(r))).toEqual([])
    const eventReasons = new Set(
      all.flatMap((v) => v.items.map((item) => (item.kind === 'invalid' ? item.reason : null))),
    )
    expect(EVENT_REASONS.filter((r) => !eventReasons.has(r))).toEqual([])
  })

  it('has unique names, lowercase hex, and canonical vectors only where an encoder can write them', () => {
    expect(new Set(all.map((v) => v.name)).size).toBe(all.length)
    for (const v of all) {
      expect(v.hex, v.name).toMatch(/^(?:[0-9a-f]{2})*$/)
      if (v.canonical) expect(isInvalidVector(v), v.name).toBe(false)
      else expect(v.encode, v.name).toBeUndefined()
    }
  })
})
