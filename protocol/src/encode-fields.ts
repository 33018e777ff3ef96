// What an encoder caller prepares once and caches: names, client ids and tag sets in wire form,
// and the checks for exemplar ids (SPEC.md §3, §3.4). Kept apart from the batch encoder so that
// the per-event path there stays a handful of byte writes.
import type { EventReason } from './reasons.js'
import {
  MAX_CLIENT_ID_BYTES,
  MAX_NAME_BYTES,
  MAX_TAGS,
  MAX_TAG_KEY_BYTES,
  MAX_TAG_VALUE_BYTES,
  SPAN_ID_BYTES,
  TRACE_ID_BYTES,
} from './spec.js'
import { encodeStr, mapHeaderBytes, writeMapHeader } from './msgpack-write.js'

/** A name or tag set already in wire form (a msgpack str or map). */
export type EncodedBytes = Uint8Array

export type TagInput = Readonly<Record<string, string>> | ReadonlyMap<string, string>

function strPayloadBytes(encoded: Uint8Array): number {
  const first = encoded[0] ?? 0
  return encoded.length - (first < 0xc0 ? 1 : first === 0xd9 ? 2 : first === 0xda ? 3 : 5)
}

export function encodeName(name: string): EncodedBytes | EventReason {
  if (typeof name !== 'string' || name.length === 0) return 'bad_name'
  // A UTF-16 length above 200 is at least 200 UTF-8 bytes: reject before allocating.
  if (name.length > MAX_NAME_BYTES) return 'name_too_long'
  const encoded = encodeStr(name)
  return strPayloadBytes(encoded) > MAX_NAME_BYTES ? 'name_too_long' : encoded
}

export function encodeClientId(clientId: string): EncodedBytes | EventReason {
  if (typeof clientId !== 'string' || clientId.length === 0 || clientId.length > MAX_CLIENT_ID_BYTES)
    return 'bad_inflight'
  const encoded = encodeStr(clientId)
  return strPayloadBytes(encoded) > MAX_CLIENT_ID_BYTES ? 'bad_inflight' : encoded
}

/** A v1.1 header's client id (SPEC.md §3.3, 1..64 bytes) as a msgpack str, or 'bad_header'. */
export function encodeSenderId(clientId: string): EncodedBytes | EventReason {
  const encoded = encodeClientId(clientId)
  return typeof encoded === 'string' ? 'bad_header' : encoded
}

/** Tags as a msgpack map in the caller's key order; null when there are none. */
export function encodeTags(tags: TagInput | null | undefined): EncodedBytes | null | EventReason {
  if (tags === null || tags === undefined) return null
  if (typeof tags !== 'object') return 'bad_tags'
  const pairs: Array<[string, string]> = tags instanceof Map ? [...tags.entries()] : Object.entries(tags)
  if (pairs.length === 0) return null
  if (pairs.length > MAX_TAGS) return 'bad_tags'
  const parts: Uint8Array[] = []
  let total = mapHeaderBytes(pairs.length)
  for (let i = 0; i < pairs.length; i++) {
    const [key, value] = pairs[i] as [unknown, unknown]
    if (typeof key !== 'string' || typeof value !== 'string' || key.length === 0) return 'bad_tags'
    const k = encodeStr(key)
    const v = encodeStr(value)
    if (strPayloadBytes(k) > MAX_TAG_KEY_BYTES || strPayloadBytes(v) > MAX_TAG_VALUE_BYTES) return 'tag_too_long'
    parts.push(k, v)
    total += k.length + v.length
  }
  const out = new Uint8Array(total)
  let pos = writeMapHeader(out, new DataView(out.buffer), 0, pairs.length)
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as Uint8Array
    out.set(part, pos)
    pos += part.length
  }
  return out
}

function isAllZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false
  return true
}

/**
 * Why a trace id / span id pair cannot go on the wire as an exemplar (SPEC.md §3.4: 16 and 8
 * bytes, neither all zero, as W3C trace context requires), or null when it can.
 */
export function exemplarReason(traceId: unknown, spanId: unknown): EventReason | null {
  if (!(traceId instanceof Uint8Array) || !(spanId instanceof Uint8Array)) return 'bad_exemplar'
  if (traceId.length !== TRACE_ID_BYTES || spanId.length !== SPAN_ID_BYTES) return 'bad_exemplar'
  return isAllZero(traceId) || isAllZero(spanId) ? 'bad_exemplar' : null
}
