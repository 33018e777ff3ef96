// The exemplar event of SPEC.md §3.4: `[11, traceId, spanId]`, two msgpack bins of 16 and 8
// bytes, neither all zero (W3C trace context calls an all-zero id invalid). The decoder holds it
// until the next event of the datagram tells whether it attaches.
import { BAD_ENCODING, TRUNCATED, readBin, readResult } from './msgpack-read.js'
import { SPAN_ID_BYTES, TRACE_ID_BYTES } from './spec.js'

/** decodeExemplarIds' answer for ids that break §3.4: the caller skips the event as bad_exemplar. */
export const BAD_EXEMPLAR = -12

function isAllZero(buf: Uint8Array, start: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (buf[start + i] !== 0) return false
  return true
}

/**
 * The exemplar's 2 values from `pos` (its array of 3 and the type already read). On success the
 * ids are copied into `ids` (trace id, then span id) and the position after them is returned;
 * else TRUNCATED / BAD_ENCODING, or BAD_EXEMPLAR with `ids` untouched.
 */
export function decodeExemplarIds(buf: Uint8Array, pos: number, end: number, ids: Uint8Array): number {
  let p = readBin(buf, pos, end)
  if (p === TRUNCATED || p === BAD_ENCODING) return p
  const traceStart = readResult.strStart
  if (p < 0 || readResult.strEnd - traceStart !== TRACE_ID_BYTES) return BAD_EXEMPLAR
  p = readBin(buf, p, end)
  if (p === TRUNCATED || p === BAD_ENCODING) return p
  const spanStart = readResult.strStart
  if (p < 0 || readResult.strEnd - spanStart !== SPAN_ID_BYTES) return BAD_EXEMPLAR
  if (isAllZero(buf, traceStart, TRACE_ID_BYTES) || isAllZero(buf, spanStart, SPAN_ID_BYTES)) return BAD_EXEMPLAR
  for (let i = 0; i < TRACE_ID_BYTES; i++) ids[i] = buf[traceStart + i] ?? 0
  for (let i = 0; i < SPAN_ID_BYTES; i++) ids[TRACE_ID_BYTES + i] = buf[spanStart + i] ?? 0
  return p
}
