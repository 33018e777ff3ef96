// Protocol v1 (and v1.1) decoder: walks one datagram and hands each event to a sink as numbers and byte
// ranges into the datagram, so decoding allocates nothing per event. It never throws on bytes:
// a broken event is skipped with an event reason; broken msgpack ends the datagram with a
// datagram reason (events before it were already delivered). SPEC.md §5 lists every case.
import type { DatagramReason, EventReason } from './reasons.js'
import {
  EVENT_KIND,
  EXEMPLAR_ID_BYTES,
  EXEMPLAR_KIND,
  HEADER_KIND,
  MAGIC_0,
  MAGIC_1,
  MAGIC_2,
  MAX_EVENT_KIND,
  MAX_NAME_BYTES,
  MAX_SET_MEMBER_BYTES,
  MAX_TAGS,
  PREFIX_BYTES,
  PROTOCOL_VERSION,
  carriesExemplar,
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
import { BAD_INFLIGHT, decodeInflight } from './decode-inflight.js'
import { BAD_HEADER, decodeHeader } from './decode-header.js'
import { BAD_EXEMPLAR, decodeExemplarIds } from './decode-exemplar.js'
import type { EventSink, EventView } from './event-sink.js'
import { TAG_ERR_LONG, checkTags } from './decode-tags.js'

export type { EventSink, EventView, InflightReportView } from './event-sink.js'
export { decodeTags, decodeText } from './decode-tags.js'

/** Whether the `length` bytes of `buf` from `start` are a protocol datagram (a reader's batch slot need not start at 0). */
export function isProtocolDatagram(buf: Uint8Array, length: number, start = 0): boolean {
  return length > 0 && buf[start] === MAGIC_0
}

function datagramReason(code: number): DatagramReason {
  return code === TRUNCATED ? 'truncated' : 'bad_encoding'
}

// Whether an exemplar (SPEC §3.4) was read and waits for the next event of the datagram; its ids
// are already in eventView.exemplarIds. Decoding is synchronous, so one flag serves every datagram.
let exemplarPending = false

// A waiting exemplar whose next event cannot take it (another kind, rejected, or none) is counted
// before that event's own outcome, keeping the reasons in wire order.
function dropPendingExemplar(sink: EventSink): void {
  if (!exemplarPending) return
  exemplarPending = false
  sink.onEventInvalid('bad_exemplar')
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
  if (next >= 0) {
    dropPendingExemplar(sink)
    sink.onEventInvalid(reason)
  }
  return next
}

/** A zeroed EventView: the decoder's, and any a sink fills in itself, share one object shape. */
export function createEventView(): EventView {
  return {
    kind: 0,
    nameStart: 0,
    nameEnd: 0,
    value: 0,
    memberStart: 0,
    memberEnd: 0,
    sampleRate: 1,
    tagsStart: 0,
    tagsEnd: 0,
    tagCount: 0,
    hasExemplar: false,
    exemplarIds: new Uint8Array(EXEMPLAR_ID_BYTES),
  }
}

// The one view a sink gets (decoding is synchronous; a sink does not decode from onEvent).
const eventView = createEventView()

function decodeEvent(sink: EventSink, buf: Uint8Array, pos: number, end: number): number {
  let p = readContainerHeader(buf, pos, end, false)
  if (p === TRUNCATED || p === BAD_ENCODING) return p
  if (p < 0) return rejectEvent(sink, 'bad_shape', buf, pos, end, 1)
  const size = readResult.count
  if (size < 3 || size > 5) return rejectEvent(sink, shapeReason(buf, p, end, size), buf, p, end, size)

  const typeAt = p
  p = readNumber(buf, p, end)
  if (p === TRUNCATED || p === BAD_ENCODING) return p
  const kind = readResult.number
  if (p >= 0 && kind === HEADER_KIND) {
    // SPEC §3.3: a header is 3 elements and the first event of its datagram.
    if (size !== 3 || pos !== PREFIX_BYTES) return rejectEvent(sink, 'bad_header', buf, p, end, size - 1)
    const next = decodeHeader(sink, buf, p, end)
    return next === BAD_HEADER ? rejectEvent(sink, 'bad_header', buf, p, end, 2) : next
  }
  if (p >= 0 && kind === EXEMPLAR_KIND) {
    if (size !== 3) return rejectEvent(sink, 'bad_exemplar', buf, p, end, size - 1)
    const next = decodeExemplarIds(buf, p, end, eventView.exemplarIds)
    if (next === BAD_EXEMPLAR) return rejectEvent(sink, 'bad_exemplar', buf, p, end, 2)
    if (next >= 0) {
      dropPendingExemplar(sink)
      exemplarPending = true
    }
    return next
  }
  if (p < 0 || !Number.isInteger(kind) || kind < EVENT_KIND.timing || kind > MAX_EVENT_KIND) {
    return rejectEvent(sink, 'bad_type', buf, typeAt, end, size)
  }
  if (kind === EVENT_KIND.inflight_report) {
    if (size !== 5) return rejectEvent(sink, 'bad_shape', buf, p, end, size - 1)
    dropPendingExemplar(sink)
    const next = decodeInflight(sink, buf, p, end)
    return next === BAD_INFLIGHT ? rejectEvent(sink, 'bad_inflight', buf, p, end, 4) : next
  }

  const nameAt = p
  p = readStr(buf, p, end)
  if (p === TRUNCATED || p === BAD_ENCODING) return p
  const nameStart = readResult.strStart
  const nameEnd = readResult.strEnd
  if (p < 0 || nameEnd === nameStart) return rejectEvent(sink, 'bad_name', buf, nameAt, end, size - 1)
  if (nameEnd - nameStart > MAX_NAME_BYTES) return rejectEvent(sink, 'name_too_long', buf, p, end, size - 2)

  let value = 0
  let memberStart = 0
  let memberEnd = 0
  if (kind !== EVENT_KIND.set) {
    p = readNumber(buf, p, end)
    if (p === TRUNCATED || p === BAD_ENCODING) return p
    if (p < 0) return rejectEvent(sink, 'bad_value', buf, nameEnd, end, size - 2)
    value = readResult.number
    if (!Number.isFinite(value)) return rejectEvent(sink, 'non_finite_value', buf, p, end, size - 3)
    if (value < 0 && isDurationKind(kind)) return rejectEvent(sink, 'negative_duration', buf, p, end, size - 3)
  } else {
    // A set's member is a str where other kinds have a number (SPEC.md §3.2).
    p = readStr(buf, p, end)
    if (p === TRUNCATED || p === BAD_ENCODING) return p
    if (p < 0) return rejectEvent(sink, 'bad_value', buf, nameEnd, end, size - 2)
    memberStart = readResult.strStart
    memberEnd = readResult.strEnd
    if (memberEnd === memberStart || memberEnd - memberStart > MAX_SET_MEMBER_BYTES)
      return rejectEvent(sink, 'bad_value', buf, p, end, size - 3)
  }

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
  if (!carriesExemplar(kind)) dropPendingExemplar(sink)
  view.hasExemplar = exemplarPending
  exemplarPending = false
  view.kind = kind
  view.nameStart = nameStart
  view.nameEnd = nameEnd
  view.value = value
  view.memberStart = memberStart
  view.memberEnd = memberEnd
  view.sampleRate = sampleRate
  view.tagsStart = tagsStart
  view.tagsEnd = tagsEnd
  view.tagCount = tagCount
  sink.onEvent(buf, view)
  return p
}

// An array of the wrong size is bad_shape, unless it starts with the exemplar type: SPEC §3.4 counts
// every malformed exemplar as bad_exemplar. Only read on this rejected path.
function shapeReason(buf: Uint8Array, pos: number, end: number, size: number): EventReason {
  return size > 0 && readNumber(buf, pos, end) >= 0 && readResult.number === EXEMPLAR_KIND
    ? 'bad_exemplar'
    : 'bad_shape'
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
  exemplarPending = false
  while (pos < length) {
    pos = decodeEvent(sink, buf, pos, length)
    if (pos < 0) {
      dropPendingExemplar(sink)
      return datagramReason(pos)
    }
  }
  dropPendingExemplar(sink)
  return null
}
