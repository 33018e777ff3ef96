// The datagram header of protocol v1.1 (SPEC.md §3.3): `[0, clientId, sequence]` as the first
// event. Validated whole before the sink sees it; anything else of type 0 is bad_header.
import type { EventSink } from './event-sink.js'
import { BAD_ENCODING, TRUNCATED, readNumber, readResult, readStr } from './msgpack-read.js'
import { MAX_CLIENT_ID_BYTES, MAX_SEQUENCE } from './spec.js'

/** decodeHeader's answer for a header that breaks §3.3: the caller skips it as bad_header. */
export const BAD_HEADER = -11

/**
 * The header's 2 values from `pos` (its array of 3 and the type already read). Returns the position
 * after it, TRUNCATED / BAD_ENCODING, or BAD_HEADER.
 */
export function decodeHeader(sink: EventSink, buf: Uint8Array, pos: number, end: number): number {
  let p = readStr(buf, pos, end)
  if (p === TRUNCATED || p === BAD_ENCODING) return p
  const idStart = readResult.strStart
  const idEnd = readResult.strEnd
  if (p < 0 || idEnd === idStart || idEnd - idStart > MAX_CLIENT_ID_BYTES) return BAD_HEADER
  p = readNumber(buf, p, end)
  if (p === TRUNCATED || p === BAD_ENCODING) return p
  const sequence = readResult.number
  if (p < 0 || !Number.isInteger(sequence) || sequence < 0 || sequence > MAX_SEQUENCE) return BAD_HEADER
  sink.onHeader?.(buf, idStart, idEnd, sequence)
  return p
}
