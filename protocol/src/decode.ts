// Protocol v1 decoder: walks one datagram and hands each event to a sink as numbers and byte
// ranges into the datagram, so decoding allocates nothing per event. It never throws on bytes:
// a broken event is skipped with an event reason; broken msgpack ends the datagram with a
// datagram reason (events before it were already delivered). SPEC.md §5 lists every case.
import type { DatagramReason, EventReason } from './reasons.js'
import {
  EVENT_KIND,
  MAGIC_0,
  MAGIC_1,
  MAGIC_2,
  MAX_CLIENT_ID_BYTES,
  MAX_FLUSH_INTERVAL_MS,
  MAX_INFLIGHT_COUNT,
  MAX_NAME_BYTES,
  MAX_TAGS,
  MAX_TAG_KEY_BYTES,
  MAX_TAG_VALUE_BYTES,
  MIN_FLUSH_INTERVAL_MS,
  PREFIX_BYTES,
  PROTOCOL_VERSION,
  isDurationKind,
} from './spec.js'
import {
  BAD_ENCODING,
  NIL,
  TRUNCATED,
  readContainerHeader,
  readNumber,
  readResult,
  readStr,
  skipValues,
} from './msgpack-read.js'

/**
 * One valid event as numbers and byte ranges into the datagram. `name` is buf[nameStart, nameEnd)
 * (UTF-8). Tags, when tagCount > 0, are the validated msgpack map body buf[tagsStart, tagsEnd)
 * (read them with decodeTags); sampleRate is 1 when absent. The decoder fills one view for every
 * event, so a sink reads it during onEvent and keeps none of it.
 */
export interface EventView {
  kind: number
  nameStart: number
  nameEnd: number
  value: number
  sampleRate: number
  tagsStart: number
  tagsEnd: number
  tagCount: number
}

/** An in-flight report's header: the client id is buf[clientIdStart, clientIdEnd). Reused like EventView. */
export interface InflightReportView {
  clientIdStart: number
  clientIdEnd: number
  sequence: number
  flushIntervalMs: number
  entryCount: number
}

export interface EventSink {
  /** One valid event of datagram `buf`. */
  onEvent(buf: Uint8Array, event: Readonly<EventView>): void
  /** A valid in-flight report; its entryCount entries follow as onInflightEntry calls. */
  onInflightReport(buf: Uint8Array, report: Readonly<InflightReportView>): void
  onInflightEntry(buf: Uint8Array, nameStart: number, nameEnd: number, count: number): void
  onEventInvalid(reason: EventReason): void
}

export function isProtocolDatagram(buf: Uint8Array, length: number): boolean {
  return length > 0 && buf[0] === MAGIC_0
}

function datagramReason(code: number): DatagramReason {
  return code === TRUNCATED ? 'truncated' : 'bad_encoding'
}

// Skips what is left of a rejected event and reports why. A negative result is a datagram error.
function rejectEvent(
  sink: EventSink,
  reason: EventReason,
  buf: Uint8Array,
  pos: number,
  end: number,
  remaining: number,
): number {
  const next = skipValues(buf, pos, end, remaining)
  if (next >= 0) sink.onEventInvalid(reason)
  return next
}

// Validates the tag map body; returns the position after it, a negative datagram code, or
// -100 - index of an EventReason (so callers need no allocation to learn why).
const TAG_ERR_BAD = -100
const TAG_ERR_LONG = -101
function checkTags(buf: Uint8Array, pos: number, end: number, pairs: number): number {
  for (let i = 0; i < pairs; i++) {
    let p = readStr(buf, pos, end)
    if (p === TRUNCATED || p === BAD_ENCODING) return p
    if (p < 0 || readResult.strEnd === readResult.strStart) return TAG_ERR_BAD
    if (readResult.strEnd - readResult.strStart > MAX_TAG_KEY_BYTES) return TAG_ERR_LONG
    p = readStr(buf, p, end)
    if (p === TRUNCATED || p === BAD_ENCODING) return p
    if (p < 0) return TAG_ERR_BAD
    if (readResult.strEnd - readResult.strStart > MAX_TAG_VALUE_BYTES) return TAG_ERR_LONG
    pos = p
  }
  return pos
}

function decodeInflight(sink: EventSink, buf: Uint8Array, pos: number, end: number): number {
  // [9, clientId, sequence, flushIntervalMs, {name: count}] — type already read, 4 values left.
  // Each header field goes into the report view once it is valid.
  const report = reportView
  const start = pos
  let p = readStr(buf, pos, end)
  if (p === TRUNCATED || p === BAD_ENCODING) return p
  const idLength = readResult.strEnd - readResult.strStart
  if (p < 0 || idLength === 0 || idLength > MAX_CLIENT_ID_BYTES)
    return rejectEvent(sink, 'bad_inflight', buf, start, end, 4)
  report.clientIdStart = readResult.strStart
  report.clientIdEnd = readResult.strEnd
  p = readNumber(buf, p, end)
  if (p === TRUNCATED || p === BAD_ENCODING) return p
  const sequence = readResult.number
  if (p < 0 || !Number.isInteger(sequence) || sequence < 0 || sequence > 0xffffffff)
    return rejectEvent(sink, 'bad_inflight', buf, start, end, 4)
  report.sequence = sequence
  p = readNumber(buf, p, end)
  if (p === TRUNCATED || p === BAD_ENCODING) return p
  const interval = readResult.number
  if (p < 0 || !Number.isInteger(interval) || interval < MIN_FLUSH_INTERVAL_MS || interval > MAX_FLUSH_INTERVAL_MS) {
    return rejectEvent(sink, 'bad_inflight', buf, start, end, 4)
  }
  report.flushIntervalMs = interval
  p = readContainerHeader(buf, p, end, true)
  if (p === TRUNCATED || p === BAD_ENCODING) return p
  if (p < 0) return rejectEvent(sink, 'bad_inflight', buf, start, end, 4)
  const entries = readResult.count
  report.entryCount = entries
  const entriesStart = p
  // First pass validates every entry, so the sink never sees half a report.
  for (let i = 0; i < entries; i++) {
    p = readStr(buf, p, end)
    if (p === TRUNCATED || p === BAD_ENCODING) return p
    const len = readResult.strEnd - readResult.strStart
    if (p < 0 || len === 0 || len > MAX_NAME_BYTES) return rejectEvent(sink, 'bad_inflight', buf, start, end, 4)
    p = readNumber(buf, p, end)
    if (p === TRUNCATED || p === BAD_ENCODING) return p
    const count = readResult.number
    if (p < 0 || !Number.isInteger(count) || count < 0 || count > MAX_INFLIGHT_COUNT)
      return rejectEvent(sink, 'bad_inflight', buf, start, end, 4)
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

/** A zeroed EventView: the decoder's, and any a sink fills in itself, share one object shape. */
export function createEventView(): EventView {
  return { kind: 0, nameStart: 0, nameEnd: 0, value: 0, sampleRate: 1, tagsStart: 0, tagsEnd: 0, tagCount: 0 }
}

// The one view of each kind a sink gets (decoding is synchronous; a sink does not decode from onEvent).
const eventView = createEventView()
const reportView: InflightReportView = {
  clientIdStart: 0,
  clientIdEnd: 0,
  sequence: 0,
  flushIntervalMs: 0,
  entryCount: 0,
}

function decodeEvent(sink: EventSink, buf: Uint8Array, pos: number, end: number): number {
  let p = readContainerHeader(buf, pos, end, false)
  if (p === TRUNCATED || p === BAD_ENCODING) return p
  if (p < 0) return rejectEvent(sink, 'bad_shape', buf, pos, end, 1)
  const size = readResult.count
  if (size < 3 || size > 5) return rejectEvent(sink, 'bad_shape', buf, p, end, size)

  const typeAt = p
  p = readNumber(buf, p, end)
  if (p === TRUNCATED || p === BAD_ENCODING) return p
  const kind = readResult.number
  if (p < 0 || !Number.isInteger(kind) || kind < EVENT_KIND.timing || kind > EVENT_KIND.inflight_report) {
    return rejectEvent(sink, 'bad_type', buf, typeAt, end, size)
  }
  if (kind === EVENT_KIND.inflight_report) {
    return size === 5 ? decodeInflight(sink, buf, p, end) : rejectEvent(sink, 'bad_shape', buf, p, end, size - 1)
  }

  const nameAt = p
  p = readStr(buf, p, end)
  if (p === TRUNCATED || p === BAD_ENCODING) return p
  const nameStart = readResult.strStart
  const nameEnd = readResult.strEnd
  if (p < 0 || nameEnd === nameStart) return rejectEvent(sink, 'bad_name', buf, nameAt, end, size - 1)
  if (nameEnd - nameStart > MAX_NAME_BYTES) return rejectEvent(sink, 'name_too_long', buf, p, end, size - 2)

  p = readNumber(buf, p, end)
  if (p === TRUNCATED || p === BAD_ENCODING) return p
  if (p < 0) return rejectEvent(sink, 'bad_value', buf, nameEnd, end, size - 2)
  const value = readResult.number
  if (!Number.isFinite(value)) return rejectEvent(sink, 'non_finite_value', buf, p, end, size - 3)
  if (value < 0 && isDurationKind(kind)) return rejectEvent(sink, 'negative_duration', buf, p, end, size - 3)

  let sampleRate = 1
  if (size >= 4) {
    const rateAt = p
    p = readNumber(buf, p, end)
    if (p === TRUNCATED || p === BAD_ENCODING) return p
    if (p === NIL) p = rateAt + 1
    else {
      sampleRate = readResult.number
      if (p < 0 || !(sampleRate > 0 && sampleRate <= 1))
        return rejectEvent(sink, 'bad_sample_rate', buf, rateAt, end, size - 3)
    }
  }

  let tagsStart = 0
  let tagsEnd = 0
  let tagCount = 0
  if (size === 5) {
    const tagsAt = p
    p = readContainerHeader(buf, p, end, true)
    if (p === TRUNCATED || p === BAD_ENCODING) return p
    if (p === NIL) p = tagsAt + 1
    else {
      if (p < 0 || readResult.count > MAX_TAGS) return rejectEvent(sink, 'bad_tags', buf, tagsAt, end, 1)
      tagCount = readResult.count
      tagsStart = p
      p = checkTags(buf, p, end, tagCount)
      if (p === TRUNCATED || p === BAD_ENCODING) return p
      if (p < 0) return rejectEvent(sink, p === TAG_ERR_LONG ? 'tag_too_long' : 'bad_tags', buf, tagsAt, end, 1)
      tagsEnd = p
    }
  }
  const view = eventView
  view.kind = kind
  view.nameStart = nameStart
  view.nameEnd = nameEnd
  view.value = value
  view.sampleRate = sampleRate
  view.tagsStart = tagsStart
  view.tagsEnd = tagsEnd
  view.tagCount = tagCount
  sink.onEvent(buf, view)
  return p
}

// True when the 1..3 bytes present match the start of the magic.
function isPrefixStart(buf: Uint8Array, length: number): boolean {
  return length > 0 && buf[0] === MAGIC_0 && (length < 2 || buf[1] === MAGIC_1) && (length < 3 || buf[2] === MAGIC_2)
}

/**
 * Decodes buf[0, length). Returns null when the whole datagram was well-formed (individual events
 * may still have been rejected through sink.onEventInvalid), else the datagram reason.
 */
export function decodeDatagram(buf: Uint8Array, length: number, sink: EventSink): DatagramReason | null {
  // SPEC §5: a prefix that "runs past the end" is truncated, not bad_magic: `FE 54` is the start of
  // our magic, while an empty payload or `FE 55` is not ours at all.
  if (length < PREFIX_BYTES) return isPrefixStart(buf, length) ? 'truncated' : 'bad_magic'
  if (buf[0] !== MAGIC_0 || buf[1] !== MAGIC_1 || buf[2] !== MAGIC_2) return 'bad_magic'
  if (buf[3] !== PROTOCOL_VERSION) return 'unsupported_version'
  if (length === PREFIX_BYTES) return 'empty_batch'
  let pos = PREFIX_BYTES
  while (pos < length) {
    pos = decodeEvent(sink, buf, pos, length)
    if (pos < 0) return datagramReason(pos)
  }
  return null
}

// ignoreBOM keeps a leading U+FEFF: it is part of the name or tag the app sent, not a byte-order mark.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true })

/** UTF-8 text of buf[start, end): for the slow path (a name seen for the first time). */
export function decodeText(buf: Uint8Array, start: number, end: number): string {
  return utf8.decode(buf.subarray(start, end))
}

/** The pairs of a tag map body that the decoder validated (slow path: a new series). */
export function decodeTags(buf: Uint8Array, tagsStart: number, tagCount: number): Array<[string, string]> {
  const pairs: Array<[string, string]> = []
  let p = tagsStart
  for (let i = 0; i < tagCount; i++) {
    p = readStr(buf, p, buf.length)
    const key = decodeText(buf, readResult.strStart, readResult.strEnd)
    p = readStr(buf, p, buf.length)
    pairs.push([key, decodeText(buf, readResult.strStart, readResult.strEnd)])
  }
  return pairs
}
