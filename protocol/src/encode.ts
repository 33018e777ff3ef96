// Protocol v1 encoder (with the v1.1 header when given a sender id): events are appended straight into one preallocated datagram buffer.
// Names and tags are encoded once by the caller (encodeName / encodeTags) and cached, so the
// per-event work is a header byte, a type byte, one memcpy and one number (SPEC.md §3).
import type { EventReason } from './reasons.js'
import {
  DEFAULT_MAX_DATAGRAM_BYTES,
  EVENT_KIND,
  EXEMPLAR_EVENT_BYTES,
  EXEMPLAR_ID_BYTES,
  EXEMPLAR_KIND,
  HEADER_KIND,
  MAGIC_0,
  MAGIC_1,
  MAGIC_2,
  MAX_DATAGRAM_BYTES,
  MAX_SET_MEMBER_BYTES,
  PREFIX_BYTES,
  PROTOCOL_VERSION,
  SPAN_ID_BYTES,
  TRACE_ID_BYTES,
  carriesExemplar,
} from './spec.js'
import { numberBytes, strHeaderBytes, writeMapHeader, writeNumber, writeStrHeader } from './msgpack-write.js'
import { type EncodedBytes, exemplarReason } from './encode-fields.js'

export {
  encodeClientId,
  encodeName,
  encodeSenderId,
  encodeTags,
  exemplarReason,
  type EncodedBytes,
  type TagInput,
} from './encode-fields.js'

/** A set member's UTF-8 payload: a string, or bytes the caller already holds. */
export type SetMember = string | Uint8Array

function memberByteLength(member: SetMember): number {
  return typeof member === 'string' ? Buffer.byteLength(member, 'utf8') : member.length
}

/**
 * Why a set member cannot go on the wire (SPEC.md §3: a str of 1..MAX_SET_MEMBER_BYTES bytes), or
 * null when it can. Counts UTF-8 bytes without encoding, so checking allocates nothing.
 */
export function setMemberReason(member: unknown): EventReason | null {
  if (typeof member !== 'string' && !(member instanceof Uint8Array)) return 'bad_value'
  // A UTF-16 length above the limit is at least that many UTF-8 bytes: no need to count them.
  if (member.length === 0 || member.length > MAX_SET_MEMBER_BYTES) return 'bad_value'
  return memberByteLength(member) > MAX_SET_MEMBER_BYTES ? 'bad_value' : null
}

export class BatchEncoder {
  readonly buffer: Buffer
  readonly maxDatagramBytes: number
  /** Bytes used, prefix included. */
  length: number
  eventCount: number
  private readonly view: DataView
  /** v1.1: every datagram starts with the header [0, senderId, sequence] (null: v1, no header). */
  private readonly senderId: EncodedBytes | null
  /** The ids appendExemplar staged for the next append (trace id, then span id). */
  private readonly exemplarIds: Uint8Array
  private exemplarStaged: boolean

  constructor(maxDatagramBytes: number = DEFAULT_MAX_DATAGRAM_BYTES, senderId: EncodedBytes | null = null) {
    if (!Number.isInteger(maxDatagramBytes) || maxDatagramBytes < 64 || maxDatagramBytes > MAX_DATAGRAM_BYTES) {
      throw new RangeError(`maxDatagramBytes must be an integer 64..${MAX_DATAGRAM_BYTES} (got ${maxDatagramBytes})`)
    }
    this.maxDatagramBytes = maxDatagramBytes
    this.buffer = Buffer.alloc(maxDatagramBytes)
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength)
    this.buffer[0] = MAGIC_0
    this.buffer[1] = MAGIC_1
    this.buffer[2] = MAGIC_2
    this.buffer[3] = PROTOCOL_VERSION
    // The header and at least a small event must fit, or every event would go oversize.
    if (senderId !== null && PREFIX_BYTES + 2 + senderId.length + 5 + 16 > maxDatagramBytes)
      throw new RangeError(`maxDatagramBytes ${maxDatagramBytes} leaves no room for events after the header`)
    this.senderId = senderId
    this.exemplarIds = new Uint8Array(EXEMPLAR_ID_BYTES)
    this.exemplarStaged = false
    this.length = PREFIX_BYTES
    this.eventCount = 0
    this.reset(0)
  }

  /**
   * Stages an exemplar (SPEC.md §3.4) for the next `append`: that call writes `[11, traceId,
   * spanId]` and its event together, or neither when the pair does not fit, so the two are never
   * split across datagrams. The staged ids survive a failed append and a reset (the retry on a
   * fresh datagram carries them); they are used up by the next append of a timing, task end or
   * histogram, and discarded by an append of another kind, appendSet, appendInflightReport or
   * clearExemplar (a caller that gives up on the event calls it). Returns false, staging nothing,
   * when the ids break §3.4 (see exemplarReason).
   */
  appendExemplar(traceId: Uint8Array, spanId: Uint8Array): boolean {
    if (exemplarReason(traceId, spanId) !== null) return false
    this.exemplarIds.set(traceId, 0)
    this.exemplarIds.set(spanId, TRACE_ID_BYTES)
    this.exemplarStaged = true
    return true
  }

  /** Drops a staged exemplar without writing it. */
  clearExemplar(): void {
    this.exemplarStaged = false
  }

  /**
   * Empties the datagram. With a sender id, the next datagram starts with its header carrying
   * `sequence` (SPEC.md §3.3); the header is not an event (eventCount stays 0).
   */
  reset(sequence = 0): void {
    this.eventCount = 0
    const id = this.senderId
    if (id === null) {
      this.length = PREFIX_BYTES
      return
    }
    const buf = this.buffer
    buf[PREFIX_BYTES] = 0x93
    buf[PREFIX_BYTES + 1] = HEADER_KIND
    buf.set(id, PREFIX_BYTES + 2)
    this.length = writeNumber(buf, this.view, PREFIX_BYTES + 2 + id.length, sequence)
  }

  /** The datagram so far (a view, valid until the next append or reset). */
  datagram(): Buffer {
    return this.buffer.subarray(0, this.length)
  }

  /**
   * Appends `[kind, name, value, sampleRate?, tags?]`. Returns false, writing nothing, when the
   * event does not fit: the caller sends the datagram, resets and appends again. Values are not
   * validated here (the client does that before calling).
   */
  append(kind: number, name: EncodedBytes, value: number, sampleRate: number, tags: EncodedBytes | null): boolean {
    if (this.exemplarStaged && !carriesExemplar(kind)) this.exemplarStaged = false
    const pos = this.openEvent(kind, name, numberBytes(value), sampleRate, tags)
    if (pos < 0) return false
    this.closeEvent(writeNumber(this.buffer, this.view, pos, value), sampleRate, tags)
    return true
  }

  /**
   * Appends `[10, name, member, sampleRate?, tags?]`, the member written as a str straight into
   * the datagram (no per-event allocation; a string is UTF-8-encoded in place). Returns false,
   * writing nothing, when it does not fit. The member is not validated here: check it with
   * setMemberReason first.
   */
  appendSet(name: EncodedBytes, member: SetMember, sampleRate: number, tags: EncodedBytes | null): boolean {
    this.exemplarStaged = false
    const memberBytes = memberByteLength(member)
    let pos = this.openEvent(EVENT_KIND.set, name, strHeaderBytes(memberBytes) + memberBytes, sampleRate, tags)
    if (pos < 0) return false
    const buf = this.buffer
    pos = writeStrHeader(buf, this.view, pos, memberBytes)
    if (typeof member === 'string') buf.write(member, pos, memberBytes, 'utf8')
    else buf.set(member, pos)
    this.closeEvent(pos + memberBytes, sampleRate, tags)
    return true
  }

  // The array header, type and name of an event whose value takes `valueBytes`, after the staged
  // exemplar if any: the position where the value goes, or -1 (nothing written) when the whole
  // (exemplar and event) does not fit.
  private openEvent(
    kind: number,
    name: EncodedBytes,
    valueBytes: number,
    sampleRate: number,
    tags: EncodedBytes | null,
  ): number {
    const hasTags = tags !== null
    const hasRate = sampleRate !== 1
    const exemplarBytes = this.exemplarStaged ? EXEMPLAR_EVENT_BYTES : 0
    const size =
      exemplarBytes +
      2 +
      name.length +
      valueBytes +
      (hasRate ? numberBytes(sampleRate) : hasTags ? 1 : 0) +
      (hasTags ? tags.length : 0)
    let pos = this.length
    if (pos + size > this.maxDatagramBytes) return -1
    const buf = this.buffer
    if (exemplarBytes !== 0) pos = this.writeExemplar(pos)
    buf[pos++] = hasTags ? 0x95 : hasRate ? 0x94 : 0x93
    buf[pos++] = kind
    buf.set(name, pos)
    return pos + name.length
  }

  // `[11, bin8 traceId, bin8 spanId]` in canonical form (SPEC.md §3.4); unstages the ids.
  private writeExemplar(pos: number): number {
    const buf = this.buffer
    const ids = this.exemplarIds
    buf[pos] = 0x93
    buf[pos + 1] = EXEMPLAR_KIND
    buf[pos + 2] = 0xc4
    buf[pos + 3] = TRACE_ID_BYTES
    buf.set(ids.subarray(0, TRACE_ID_BYTES), pos + 4)
    const span = pos + 4 + TRACE_ID_BYTES
    buf[span] = 0xc4
    buf[span + 1] = SPAN_ID_BYTES
    buf.set(ids.subarray(TRACE_ID_BYTES), span + 2)
    this.exemplarStaged = false
    return span + 2 + SPAN_ID_BYTES
  }

  // The sample rate (nil when there are tags and no rate) and tags after the value at `pos`.
  private closeEvent(pos: number, sampleRate: number, tags: EncodedBytes | null): void {
    const buf = this.buffer
    if (sampleRate !== 1) pos = writeNumber(buf, this.view, pos, sampleRate)
    else if (tags !== null) buf[pos++] = 0xc0
    if (tags !== null) {
      buf.set(tags, pos)
      pos += tags.length
    }
    this.length = pos
    this.eventCount++
  }

  /**
   * Appends `[9, clientId, sequence, flushIntervalMs, {name: count…}]` with as many of the entries
   * from index `from` as fit. Returns the index after the last entry written; `from` means none
   * fitted (the caller sends and retries on an empty datagram). An empty entry list writes an
   * empty map: a heartbeat that says "all zero".
   */
  appendInflightReport(
    clientId: EncodedBytes,
    sequence: number,
    flushIntervalMs: number,
    names: readonly EncodedBytes[],
    counts: ArrayLike<number>,
    from: number,
  ): number {
    this.exemplarStaged = false
    const fixed = 2 + clientId.length + numberBytes(sequence) + numberBytes(flushIntervalMs)
    const room = this.maxDatagramBytes - this.length - fixed
    let used = 3 // map16 header at most
    let end = from
    while (end < names.length && end - from < 0xffff) {
      const entry = (names[end] as EncodedBytes).length + numberBytes(counts[end] ?? 0)
      if (used + entry > room) break
      used += entry
      end++
    }
    if (end === from && names.length > from) return from
    if (used > room) return from
    const buf = this.buffer
    let pos = this.length
    buf[pos++] = 0x95
    buf[pos++] = EVENT_KIND.inflight_report
    buf.set(clientId, pos)
    pos = writeNumber(buf, this.view, pos + clientId.length, sequence)
    pos = writeNumber(buf, this.view, pos, flushIntervalMs)
    pos = writeMapHeader(buf, this.view, pos, end - from)
    for (let i = from; i < end; i++) {
      const name = names[i] as EncodedBytes
      buf.set(name, pos)
      pos = writeNumber(buf, this.view, pos + name.length, counts[i] ?? 0)
    }
    this.length = pos
    this.eventCount++
    return end
  }
}
