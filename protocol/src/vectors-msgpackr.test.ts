// Checks the golden vectors without our decoder: msgpackr parses the bytes after the prefix, and
// a few lines of SPEC §3/§5 rules, applied to the parsed values, must give the vector's items.
// A vector that only our own codec agrees with would prove nothing about the wire.
import { Unpackr } from 'msgpackr'
import { describe, expect, it } from 'vitest'
import type { DecodedItem } from './collect.js'
import type { EventReason } from './reasons.js'
import { EVENT_KIND_NAMES } from './spec.js'
import { loadVectorFiles } from './vectors.fixture.js'

// Maps as Map keep non-str keys visible (an object would turn key 1 into "1"); 64-bit ints as
// numbers match what the vectors write (every vector value is exact in float64).
const unpackr = new Unpackr({ mapsAsObjects: false, useRecords: false, int64AsType: 'number' })

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8')
const isUint32 = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff
const invalid = (reason: EventReason): DecodedItem => ({ kind: 'invalid', reason })

function referenceInflight(event: readonly unknown[]): DecodedItem {
  const [, clientId, sequence, flushIntervalMs, entries] = event
  if (typeof clientId !== 'string' || clientId.length === 0 || utf8Bytes(clientId) > 64) return invalid('bad_inflight')
  if (!isUint32(sequence)) return invalid('bad_inflight')
  if (
    typeof flushIntervalMs !== 'number' ||
    !Number.isInteger(flushIntervalMs) ||
    flushIntervalMs < 1 ||
    flushIntervalMs > 60000
  )
    return invalid('bad_inflight')
  if (!(entries instanceof Map)) return invalid('bad_inflight')
  const inflight: Record<string, number> = {}
  for (const [name, count] of entries) {
    if (typeof name !== 'string' || name.length === 0 || utf8Bytes(name) > 200 || !isUint32(count))
      return invalid('bad_inflight')
    inflight[name] = count
  }
  return { kind: 'inflight_report', clientId, sequence, flushIntervalMs, inflight }
}

function referenceTags(tags: unknown): Record<string, string> | null | EventReason {
  if (tags === undefined || tags === null) return null
  if (!(tags instanceof Map) || tags.size > 16) return 'bad_tags'
  // Pairs in wire order; the first bad pair decides the reason (vectors tags_*_before_*).
  for (const [key, value] of tags) {
    if (typeof key !== 'string' || key.length === 0) return 'bad_tags'
    if (utf8Bytes(key) > 64) return 'tag_too_long'
    if (typeof value !== 'string') return 'bad_tags'
    if (utf8Bytes(value) > 200) return 'tag_too_long'
  }
  return tags.size === 0 ? null : (Object.fromEntries(tags) as Record<string, string>)
}

// SPEC §3.3: the v1.1 header, type 0, only as the datagram's first event.
function referenceHeader(event: readonly unknown[], index: number): DecodedItem {
  const [, clientId, sequence] = event
  if (index !== 0 || event.length !== 3) return invalid('bad_header')
  if (typeof clientId !== 'string' || clientId.length === 0 || utf8Bytes(clientId) > 64) return invalid('bad_header')
  return isUint32(sequence) ? { kind: 'header', clientId, sequence } : invalid('bad_header')
}

const isId = (id: unknown, bytes: number): id is Uint8Array =>
  id instanceof Uint8Array && id.length === bytes && id.some((b) => b !== 0)

// SPEC §3.4: [11, bin 16, bin 8], neither id all zero; the ids as hex, or null when malformed.
function referenceExemplar(event: unknown): { traceId: string; spanId: string } | null {
  if (!Array.isArray(event) || event.length !== 3) return null
  const [, traceId, spanId] = event as unknown[]
  if (!isId(traceId, 16) || !isId(spanId, 8)) return null
  return { traceId: Buffer.from(traceId).toString('hex'), spanId: Buffer.from(spanId).toString('hex') }
}

const isExemplarEvent = (event: unknown): boolean => Array.isArray(event) && event.length > 0 && event[0] === 11
const carriesExemplar = new Set(['timing', 'histogram', 'task_end_success', 'task_end_error'])

// The datagram's items: an exemplar attaches to the next item when that is a valid event of a
// kind that carries one; otherwise it is bad_exemplar, listed before that next item.
function referenceItems(values: readonly unknown[]): DecodedItem[] {
  const items: DecodedItem[] = []
  let pending: { traceId: string; spanId: string } | null = null
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    if (isExemplarEvent(value)) {
      if (pending !== null) items.push(invalid('bad_exemplar'))
      pending = referenceExemplar(value)
      if (pending === null) items.push(invalid('bad_exemplar'))
      continue
    }
    const item = referenceItem(value, i)
    if (pending !== null) {
      if (carriesExemplar.has(item.kind)) Object.assign(item, { exemplar: pending })
      else items.push(invalid('bad_exemplar'))
      pending = null
    }
    items.push(item)
  }
  if (pending !== null) items.push(invalid('bad_exemplar'))
  return items
}

// SPEC §5, checked in element order: the first failing element names the reason.
function referenceItem(event: unknown, index: number): DecodedItem {
  if (!Array.isArray(event) || event.length < 3 || event.length > 5) return invalid('bad_shape')
  const [type, name, value, rate, tags] = event as unknown[]
  if (type === 0) return referenceHeader(event, index)
  if (typeof type !== 'number' || !Number.isInteger(type) || type < 1 || type > 10) return invalid('bad_type')
  if (type === 9) return event.length === 5 ? referenceInflight(event) : invalid('bad_shape')
  if (typeof name !== 'string' || name.length === 0) return invalid('bad_name')
  if (utf8Bytes(name) > 200) return invalid('name_too_long')
  if (type === 10) return referenceSet(name, value, rate, tags)
  if (typeof value !== 'number') return invalid('bad_value')
  if (!Number.isFinite(value)) return invalid('non_finite_value')
  if (value < 0 && (type === 1 || type === 7 || type === 8)) return invalid('negative_duration')
  const rest = referenceRateAndTags(rate, tags)
  if ('reason' in rest) return invalid(rest.reason)
  const kind = EVENT_KIND_NAMES[type - 1]
  if (kind === undefined || kind === 'inflight_report' || kind === 'set')
    throw new Error('unreachable: type checked above')
  return { kind, name, value, ...rest }
}

function referenceRateAndTags(
  rate: unknown,
  tags: unknown,
): { sampleRate: number; tags: Record<string, string> | null } | { reason: EventReason } {
  let sampleRate = 1
  if (rate !== undefined && rate !== null) {
    if (typeof rate !== 'number' || !(rate > 0 && rate <= 1)) return { reason: 'bad_sample_rate' }
    sampleRate = rate
  }
  const tagMap = referenceTags(tags)
  return typeof tagMap === 'string' ? { reason: tagMap } : { sampleRate, tags: tagMap }
}

// Type 10: the member is a str of 1..200 bytes where other types have a number.
function referenceSet(name: string, member: unknown, rate: unknown, tags: unknown): DecodedItem {
  if (typeof member !== 'string' || member.length === 0 || utf8Bytes(member) > 200) return invalid('bad_value')
  const rest = referenceRateAndTags(rate, tags)
  return 'reason' in rest ? invalid(rest.reason) : { kind: 'set', name, value: member, ...rest }
}

const wellFormed = loadVectorFiles().flatMap(({ file, vectors }) =>
  vectors.filter((v) => v.reason === null).map((v) => ({ file, ...v })),
)

describe('vectors read by msgpackr and the SPEC rules', () => {
  it('covers every vector whose datagram is well-formed', () => {
    expect(wellFormed.length).toBeGreaterThanOrEqual(30)
  })

  it.each(wellFormed)('$file $name', (vector) => {
    const bytes = Buffer.from(vector.hex, 'hex')
    expect(bytes.subarray(0, 4).toString('hex')).toBe('fe544d01')
    const values: unknown[] = unpackr.unpackMultiple(bytes.subarray(4))
    expect(referenceItems(values)).toEqual(vector.items)
  })
})
