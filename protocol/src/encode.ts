// Protocol v1 encoder (with the v1.1 header when given a sender id): events are appended straight into one preallocated datagram buffer.
// Names and tags are encoded once by the caller (encodeName / encodeTags) and cached, so the
// per-event work is a header byte, a type byte, one memcpy and one number (SPEC.md §3).
import type { EventReason } from './reasons.js'
import {
  DEFAULT_MAX_DATAGRAM_BYTES,
  EVENT_KIND,
  HEADER_KIND,
  MAGIC_0,
  MAGIC_1,
  MAGIC_2,
  MAX_CLIENT_ID_BYTES,
  MAX_DATAGRAM_BYTES,
  MAX_NAME_BYTES,
  MAX_SET_MEMBER_BYTES,
  MAX_TAGS,
  MAX_TAG_KEY_BYTES,
  MAX_TAG_VALUE_BYTES,
  PREFIX_BYTES,
  PROTOCOL_VERSION,
} from './spec.js'
import {
  encodeStr,
  mapHeaderBytes,
  numberBytes,
  strHeaderBytes,
  writeMapHeader,
  writeNumber,
  writeStrHeader,
} from './msgpack-write.js'

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
    this.length = PREFIX_BYTES
    this.eventCount = 0
    this.reset(0)
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

  // The array header, type and name of an event whose value takes `valueBytes`: the position
  // where the value goes, or -1 (nothing written) when the whole event does not fit.
  private openEvent(
    kind: number,
    name: EncodedBytes,
    valueBytes: number,
    sampleRate: number,
    tags: EncodedBytes | null,
  ): number {
    const hasTags = tags !== null
    const hasRate = sampleRate !== 1
    const size =
      2 + name.length + valueBytes + (hasRate ? numberBytes(sampleRate) : hasTags ? 1 : 0) + (hasTags ? tags.length : 0)
    let pos = this.length
    if (pos + size > this.maxDatagramBytes) return -1
    const buf = this.buffer
    buf[pos++] = hasTags ? 0x95 : hasRate ? 0x94 : 0x93
    buf[pos++] = kind
    buf.set(name, pos)
    return pos + name.length
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
