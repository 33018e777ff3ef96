// One StatsD / DogStatsD text line, parsed on bytes into reusable typed arrays (no allocation per
// line; the arrays grow only for a line with more values than any before). A line is
//   name:value[:value…]|type[|@rate][|#k:v,…][|c:container][|T<unix s>][|other][:value…|type…]
// "name:1:2:3|ms" is DogStatsD's extended aggregation (values share type, rate and tags);
// "name:1|ms:2|ms" is the older multi-metric form (each segment has its own fields). The whole line
// is checked before anything is applied, so a bad segment rejects the line, never half of it.
// Unknown fields (DogStatsD's e:, card:, future ones) are ignored, as the Datadog agent does.
// The name field may embed InfluxDB, Librato or SignalFx tags (statsd-tag-formats.ts): the scan
// that finds its end notes the first tag marker, and only a line with one parses them.
import { MAX_NAME_BYTES, MAX_TAG_VALUE_BYTES } from '@taskmeter/protocol'
import { parseDecimal } from './statsd-number.js'
import { parseNameTags } from './statsd-line-name.js'
import type { LineReason } from './statsd-reasons.js'
import { ALL_STATSD_TAG_FORMATS, NAME_BYTE, type StatsdTagFormats, nameByteClasses } from './statsd-tag-formats.js'
import { DOGSTATSD_SEPARATOR, checkTags } from './statsd-tags.js'

export const STATSD_TYPE = { counter: 1, gauge: 2, timer: 3, histogram: 4, distribution: 5, set: 6 } as const
export type StatsdType = (typeof STATSD_TYPE)[keyof typeof STATSD_TYPE]

const COLON = 0x3a
const PIPE = 0x7c
const MAX_TIMESTAMP_DIGITS = 19
// ':' '|' '#' ',' '[' ']' by their low 5 bits (26, 28, 3, 12, 27, 29). A name byte whose bit is
// clear is none of them, so most cost one shift and one test, as little as the ':' / '|' scan did
// before tag markers were looked for (a compare per marker was +10 % per line); the rest ('c', 'l',
// 'z', '=', … share those bits) are compared exactly.
const NAME_SPECIAL = (1 << 26) | (1 << 28) | (1 << 3) | (1 << 12) | (1 << 27) | (1 << 29)

/** A 1- or 2-byte type field → its code, 0 when unknown. */
function typeOf(buf: Uint8Array, start: number, end: number): StatsdType | 0 {
  const first = buf[start]
  if (end - start === 1) {
    if (first === 0x63) return STATSD_TYPE.counter // c
    if (first === 0x67) return STATSD_TYPE.gauge // g
    if (first === 0x68) return STATSD_TYPE.histogram // h
    if (first === 0x64) return STATSD_TYPE.distribution // d
    if (first === 0x73) return STATSD_TYPE.set // s
    return 0
  }
  return end - start === 2 && first === 0x6d && buf[start + 1] === 0x73 ? STATSD_TYPE.timer : 0 // ms
}

function scanTo(buf: Uint8Array, p: number, end: number, stopAtColon: boolean): number {
  for (; p < end; p++) {
    const c = buf[p]
    if (c === PIPE || (stopAtColon && c === COLON)) break
  }
  return p
}

/** A DogStatsD event (_e{…) or service check (_sc|…): not a metric. */
function isDogStatsdMessage(buf: Uint8Array, start: number, end: number): boolean {
  if (buf[start] !== 0x5f /* _ */ || end - start < 3) return false
  const b1 = buf[start + 1]
  const b2 = buf[start + 2]
  return (
    (b1 === 0x65 && b2 === 0x7b) /* _e{ */ ||
    (b1 === 0x73 && b2 === 0x63 && end - start >= 4 && buf[start + 3] === PIPE)
  ) /* _sc| */
}

function isTimestamp(buf: Uint8Array, start: number, end: number): boolean {
  if (end === start || end - start > MAX_TIMESTAMP_DIGITS) return false
  for (let i = start; i < end; i++) if ((buf[i] ?? 0) < 0x30 || (buf[i] ?? 0) > 0x39) return false
  return true
}

// Field offsets. A segment is SEGMENT_FIELDS slots of `segments`; a value is VALUE_FIELDS slots of
// `valueBytes`. Packing the fields into two Int32Arrays (instead of one array per field) halved
// the cache lines a line touches: after the kernel and Node's receive path, those misses were most
// of what a 1-line datagram cost beyond an empty handler.
export const SEG_TYPE = 0
export const SEG_FIRST_VALUE = 1
export const SEG_VALUE_COUNT = 2
export const SEG_TAGS_START = 3
export const SEG_TAGS_END = 4
export const SEG_CONTAINER_START = 5
export const SEG_CONTAINER_END = 6
export const SEGMENT_FIELDS = 8
export const VALUE_START = 0
export const VALUE_END = 1
export const VALUE_SIGNED = 2
export const VALUE_FIELDS = 4

export class StatsdLine {
  /** The name field as sent, embedded tags included (series caches key on these bytes). */
  nameStart = 0
  nameEnd = 0
  /**
   * Embedded tags [nameTagsStart, nameTagsEnd), -1 when the name has none; the bare name is then
   * [nameStart, nameTagsStart - 1) followed by [nameRest, nameEnd) (after a SignalFx ']').
   */
  nameTagsStart = -1
  nameTagsEnd = -1
  nameRest = 0
  segmentCount = 0
  valueCount = 0
  /** Per value: the number (unused for set members). */
  values = new Float64Array(8)
  /** Per value: its bytes [start, end) and whether it had a sign (a gauge delta). */
  valueBytes = new Int32Array(8 * VALUE_FIELDS)
  /** Per segment: its sample rate. */
  rates = new Float64Array(4)
  /** Per segment: type, its values [first, first + count), tag and container bytes. */
  segments = new Int32Array(4 * SEGMENT_FIELDS)
  private readonly nameClasses: Uint8Array
  private readonly dogstatsd: boolean

  constructor(formats: StatsdTagFormats = ALL_STATSD_TAG_FORMATS) {
    this.nameClasses = nameByteClasses(formats)
    this.dogstatsd = formats.has('dogstatsd')
  }

  /** Parses bytes [start, end) (one line, no newline). Returns null when valid, else why not. */
  parse(buf: Uint8Array, start: number, end: number): LineReason | null {
    this.segmentCount = 0
    this.valueCount = 0
    if (isDogStatsdMessage(buf, start, end)) return 'unsupported_message'
    const classes = this.nameClasses
    let marker = -1
    let p = start
    for (; p < end; p++) {
      const c = buf[p] ?? 0
      if (((NAME_SPECIAL >>> (c & 31)) & 1) === 0) continue
      if (c === COLON || c === PIPE) break
      if (marker < 0 && classes[c] !== NAME_BYTE) marker = p
    }
    if (p === end || buf[p] === PIPE) return 'no_value'
    if (p === start) return 'empty_name'
    this.nameStart = start
    this.nameEnd = p
    this.nameTagsStart = -1
    if (marker >= 0) {
      const reason = parseNameTags(buf, start, marker, p, classes, this)
      if (reason !== null) return reason
    } else if (p - start > MAX_NAME_BYTES) return 'name_too_long'
    p++
    for (;;) {
      const segment = this.segmentCount
      if (segment === this.rates.length) this.growSegments()
      const firstValue = this.valueCount
      // Values up to the '|' before the type.
      for (;;) {
        const valueStart = p
        p = scanTo(buf, p, end, true)
        if (this.valueCount === this.values.length) this.growValues()
        const at = this.valueCount * VALUE_FIELDS
        this.valueBytes[at + VALUE_START] = valueStart
        this.valueBytes[at + VALUE_END] = p
        this.valueCount++
        if (p === end) return 'no_type'
        p++
        if (buf[p - 1] === PIPE) break
      }
      const typeStart = p
      p = scanTo(buf, p, end, true)
      const type = typeOf(buf, typeStart, p)
      if (type === 0) return 'bad_type'
      const at = segment * SEGMENT_FIELDS
      const segments = this.segments
      segments[at + SEG_TYPE] = type
      segments[at + SEG_FIRST_VALUE] = firstValue
      segments[at + SEG_VALUE_COUNT] = this.valueCount - firstValue
      segments[at + SEG_TAGS_START] = 0
      segments[at + SEG_TAGS_END] = 0
      segments[at + SEG_CONTAINER_START] = 0
      segments[at + SEG_CONTAINER_END] = 0
      this.rates[segment] = 1
      if (p < end && buf[p] === PIPE) {
        p = this.parseFields(buf, p, end, segment)
        if (p < 0) return this.fieldReason
      }
      const reason = this.checkValues(buf, segment, type)
      if (reason !== null) return reason
      this.segmentCount++
      if (p === end) return null
      p++ // ':' starts another segment of the same name
    }
  }

  private fieldReason: LineReason = 'bad_tags'

  /**
   * The optional fields from the '|' at p. Returns where they end, or -1 with the reason in
   * fieldReason. Kept out of parse() so that parse stays small enough for V8 to inline its
   * helpers (measured: 50 of 340 CPU-ns a line went to calls).
   */
  private parseFields(buf: Uint8Array, p: number, end: number, segment: number): number {
    while (p < end && buf[p] === PIPE) {
      const fieldStart = ++p
      const c = fieldStart < end ? buf[fieldStart] : PIPE // a trailing '|' is an empty field
      if (c === 0x40 /* @ */) {
        p = scanTo(buf, p, end, true)
        const rate = parseDecimal(buf, fieldStart + 1, p)
        if (!(rate > 0 && rate <= 1)) return this.fail('bad_sample_rate')
        this.rates[segment] = rate
      } else if (c === 0x23 /* # */ && this.dogstatsd) {
        p = scanTo(buf, p, end, false)
        if (p > fieldStart + 1 && this.nameTagsStart >= 0) return this.fail('mixed_tag_styles')
        const reason = checkTags(buf, fieldStart + 1, p, DOGSTATSD_SEPARATOR)
        if (reason !== null) return this.fail(reason)
        this.segments[segment * SEGMENT_FIELDS + SEG_TAGS_START] = fieldStart + 1
        this.segments[segment * SEGMENT_FIELDS + SEG_TAGS_END] = p
      } else if (c === 0x63 /* c */ && buf[fieldStart + 1] === COLON && fieldStart + 1 < end) {
        p = scanTo(buf, p, end, false)
        if (p === fieldStart + 2 || p - fieldStart - 2 > MAX_TAG_VALUE_BYTES) return this.fail('bad_container_id')
        this.segments[segment * SEGMENT_FIELDS + SEG_CONTAINER_START] = fieldStart + 2
        this.segments[segment * SEGMENT_FIELDS + SEG_CONTAINER_END] = p
      } else if (c === 0x54 /* T */) {
        p = scanTo(buf, p, end, true)
        if (!isTimestamp(buf, fieldStart + 1, p)) return this.fail('bad_timestamp')
      } else p = scanTo(buf, p, end, false)
    }
    return p
  }

  private fail(reason: LineReason): number {
    this.fieldReason = reason
    return -1
  }

  private checkValues(buf: Uint8Array, segment: number, type: StatsdType): LineReason | null {
    const first = this.segments[segment * SEGMENT_FIELDS + SEG_FIRST_VALUE] ?? 0
    const last = first + (this.segments[segment * SEGMENT_FIELDS + SEG_VALUE_COUNT] ?? 0)
    const bytes = this.valueBytes
    if (type === STATSD_TYPE.set) {
      // A set member is the raw text between the name and the type, ':' included (as DogStatsD).
      return bytes[first * VALUE_FIELDS + VALUE_START] === bytes[(last - 1) * VALUE_FIELDS + VALUE_END]
        ? 'bad_value'
        : null
    }
    for (let v = first; v < last; v++) {
      const at = v * VALUE_FIELDS
      const valueStart = bytes[at + VALUE_START] ?? 0
      const value = parseDecimal(buf, valueStart, bytes[at + VALUE_END] ?? 0)
      if (!Number.isFinite(value)) return 'bad_value'
      if (type === STATSD_TYPE.timer && value < 0) return 'negative_duration'
      this.values[v] = value
      const sign = buf[valueStart]
      bytes[at + VALUE_SIGNED] = sign === 0x2b || sign === 0x2d ? 1 : 0
    }
    return null
  }

  /** Member bytes of a set segment: [start, end) of the text between name and type. */
  memberStart(segment: number): number {
    return (
      this.valueBytes[(this.segments[segment * SEGMENT_FIELDS + SEG_FIRST_VALUE] ?? 0) * VALUE_FIELDS + VALUE_START] ??
      0
    )
  }

  memberEnd(segment: number): number {
    const at = segment * SEGMENT_FIELDS
    const last = (this.segments[at + SEG_FIRST_VALUE] ?? 0) + (this.segments[at + SEG_VALUE_COUNT] ?? 0) - 1
    return this.valueBytes[last * VALUE_FIELDS + VALUE_END] ?? 0
  }

  // Growth happens only for a line with more values or segments than any before (bounded by the
  // datagram or TCP line size).
  private growValues(): void {
    const values = new Float64Array(this.values.length * 2)
    values.set(this.values)
    this.values = values
    const bytes = new Int32Array(this.valueBytes.length * 2)
    bytes.set(this.valueBytes)
    this.valueBytes = bytes
  }

  private growSegments(): void {
    const rates = new Float64Array(this.rates.length * 2)
    rates.set(this.rates)
    this.rates = rates
    const segments = new Int32Array(this.segments.length * 2)
    segments.set(this.segments)
    this.segments = segments
  }
}
