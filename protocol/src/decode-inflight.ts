// The in-flight report (SPEC.md §3.1), the one event kind with its own layout: validated whole
// before the sink sees any of it, so a sink never gets half a report.
import type { EventSink, InflightReportView } from './event-sink.js'
import { BAD_ENCODING, TRUNCATED, readContainerHeader, readNumber, readResult, readStr } from './msgpack-read.js'
import {
  MAX_CLIENT_ID_BYTES,
  MAX_FLUSH_INTERVAL_MS,
  MAX_INFLIGHT_COUNT,
  MAX_NAME_BYTES,
  MIN_FLUSH_INTERVAL_MS,
} from './spec.js'

/** decodeInflight's answer for a report that breaks §3.1: the caller skips it as bad_inflight. */
export const BAD_INFLIGHT = -10

// The one report view a sink gets (decoding is synchronous; a sink does not decode from a callback).
const reportView: InflightReportView = {
  clientIdStart: 0,
  clientIdEnd: 0,
  sequence: 0,
  flushIntervalMs: 0,
  entryCount: 0,
}

/**
 * `[9, clientId, sequence, flushIntervalMs, {name: count}]` with the type already read: 4 values
 * from `pos`. Returns the position after the report, TRUNCATED / BAD_ENCODING, or BAD_INFLIGHT.
 */
export function decodeInflight(sink: EventSink, buf: Uint8Array, pos: number, end: number): number {
  // Each header field goes into the report view once it is valid.
  const report = reportView
  let p = readStr(buf, pos, end)
  if (p === TRUNCATED || p === BAD_ENCODING) return p
  const idLength = readResult.strEnd - readResult.strStart
  if (p < 0 || idLength === 0 || idLength > MAX_CLIENT_ID_BYTES) return BAD_INFLIGHT
  report.clientIdStart = readResult.strStart
  report.clientIdEnd = readResult.strEnd
  p = readNumber(buf, p, end)
  if (p === TRUNCATED || p === BAD_ENCODING) return p
  const sequence = readResult.number
  if (p < 0 || !Number.isInteger(sequence) || sequence < 0 || sequence > 0xffffffff) return BAD_INFLIGHT
  report.sequence = sequence
  p = readNumber(buf, p, end)
  if (p === TRUNCATED || p === BAD_ENCODING) return p
  const interval = readResult.number
  if (p < 0 || !Number.isInteger(interval) || interval < MIN_FLUSH_INTERVAL_MS || interval > MAX_FLUSH_INTERVAL_MS)
    return BAD_INFLIGHT
  report.flushIntervalMs = interval
  p = readContainerHeader(buf, p, end, true)
  if (p === TRUNCATED || p === BAD_ENCODING) return p
  if (p < 0) return BAD_INFLIGHT
  const entries = readResult.count
  report.entryCount = entries
  const entriesStart = p
  // First pass validates every entry, so the sink never sees half a report.
  for (let i = 0; i < entries; i++) {
    p = readStr(buf, p, end)
    if (p === TRUNCATED || p === BAD_ENCODING) return p
    const len = readResult.strEnd - readResult.strStart
    if (p < 0 || len === 0 || len > MAX_NAME_BYTES) return BAD_INFLIGHT
    p = readNumber(buf, p, end)
    if (p === TRUNCATED || p === BAD_ENCODING) return p
    const count = readResult.number
    if (p < 0 || !Number.isInteger(count) || count < 0 || count > MAX_INFLIGHT_COUNT) return BAD_INFLIGHT
  }
  sink.onInflightReport(buf, report)
  p = entriesStart
  for (let i = 0; i < entries; i++) {
    p = readStr(buf, p, end)
    const nameStart = readResult.strStart
    const nameEnd = readResult.strEnd
    p = readNumber(buf, p, end)
    sink.onInflightEntry(buf, nameStart, nameEnd, readResult.number)
  }
  return p
}
