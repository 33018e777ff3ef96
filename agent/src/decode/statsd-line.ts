// One StatsD / DogStatsD text line, parsed on bytes into reusable typed arrays (no allocation per
// line; the arrays grow only for a line with more values than any before). A line is
//   name:value[:value…]|type[|@rate][|#k:v,…][|c:container][|T<unix s>][|other][:value…|type…]
// "name:1:2:3|ms" is DogStatsD's extended aggregation (values share type, rate and tags);
// "name:1|ms:2|ms" is the older multi-metric form (each segment has its own fields). The whole line
// is checked before anything is applied, so a bad segment rejects the line, never half of it.
// Unknown fields (DogStatsD's e:, card:, future ones) are ignored, as the Datadog agent does.
import { MAX_NAME_BYTES, MAX_TAG_VALUE_BYTES } from '@taskmeter/protocol'
import { parseDecimal } from './statsd-number.js'
import type { LineReason } from './statsd-reasons.js'
import { checkTags } from './statsd-tags.js'

export const STATSD_TYPE = { counter: 1, gauge: 2, timer: 3, histogram: 4, distribution: 5, set: 6 } as const
export type StatsdType = (typeof STATSD_TYPE)[keyof typeof STATSD_TYPE]

const COLON = 0x3a
const PIPE = 0x7c
const MAX_TIMESTAMP_DIGITS = 19

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

function isTimestamp(buf: Uint8Array, start: number, end: number): boolean {
  if (end === start || end - start > MAX_TIMESTAMP_DIGITS) return false
  for (let i = start; i < end; i++) if ((buf[i] as number) < 0x30 || (buf[i] as number) > 0x39) return false
  return true
}

export class StatsdLine {
  nameStart = 0
  nameEnd = 0
  segmentCount = 0
  valueCount = 0
  // Per value: the number (NaN for set members), its bytes, and whether it had a sign (gauge delta).
  values = new Float64Array(8)
  valueStarts = new Int32Array(8)
  valueEnds = new Int32Array(8)
  valueSigned = new Uint8Array(8)
  // Per segment: type, sample rate, its values [first, first + count), tag and container bytes.
  types = new Uint8Array(4)
  rates = new Float64Array(4)
  firstValues = new Int32Array(4)
  valueCounts = new Int32Array(4)
  tagsStarts = new Int32Array(4)
  tagsEnds = new Int32Array(4)
  containerStarts = new Int32Array(4)
  containerEnds = new Int32Array(4)

  /** Parses bytes [start, end) (one line, no newline). Returns null when valid, else why not. */
  parse(buf: Uint8Array, start: number, end: number): LineReason | null {
    this.segmentCount = 0
    this.valueCount = 0
    if (buf[start] === 0x5f /* _ */ && end - start >= 3) {
      const b1 = buf[start + 1]
      const b2 = buf[start + 2]
      if (b1 === 0x65 && b2 === 0x7b) return 'unsupported_message' // _e{
      if (b1 === 0x73 && b2 === 0x63 && end - start >= 4 && buf[start + 3] === PIPE) return 'unsupported_message' // _sc|
    }
    let p = scanTo(buf, start, end, true)
    if (p === end || buf[p] === PIPE) return 'no_value'
    if (p === start) return 'empty_name'
    if (p - start > MAX_NAME_BYTES) return 'name_too_long'
    this.nameStart = start
    this.nameEnd = p
    p++
    for (;;) {
      const segment = this.segmentCount
      if (segment === this.types.length) this.growSegments()
      const firstValue = this.valueCount
      // Values up to the '|' before the type.
      for (;;) {
        const valueStart = p
        p = scanTo(buf, p, end, true)
        if (this.valueCount === this.values.length) this.growValues()
        this.valueStarts[this.valueCount] = valueStart
        this.valueEnds[this.valueCount] = p
        this.valueCount++
        if (p === end) return 'no_type'
        p++
        if (buf[p - 1] === PIPE) break
      }
      const typeStart = p
      p = scanTo(buf, p, end, true)
      const type = typeOf(buf, typeStart, p)
      if (type === 0) return 'bad_type'
      this.types[segment] = type
      this.rates[segment] = 1
      this.firstValues[segment] = firstValue
      this.valueCounts[segment] = this.valueCount - firstValue
      this.tagsStarts[segment] = 0
      this.tagsEnds[segment] = 0
      this.containerStarts[segment] = 0
      this.containerEnds[segment] = 0
      // Optional fields.
      while (p < end && buf[p] === PIPE) {
        const fieldStart = ++p
        const c = fieldStart < end ? buf[fieldStart] : PIPE // a trailing '|' is an empty field
        if (c === 0x40 /* @ */) {
          p = scanTo(buf, p, end, true)
          const rate = parseDecimal(buf, fieldStart + 1, p)
          if (!(rate > 0 && rate <= 1)) return 'bad_sample_rate'
          this.rates[segment] = rate
        } else if (c === 0x23 /* # */) {
          p = scanTo(buf, p, end, false)
          const reason = checkTags(buf, fieldStart + 1, p)
          if (reason !== null) return reason
          this.tagsStarts[segment] = fieldStart + 1
          this.tagsEnds[segment] = p
        } else if (c === 0x63 /* c */ && buf[fieldStart + 1] === COLON && fieldStart + 1 < end) {
          p = scanTo(buf, p, end, false)
          if (p === fieldStart + 2 || p - fieldStart - 2 > MAX_TAG_VALUE_BYTES) return 'bad_container_id'
          this.containerStarts[segment] = fieldStart + 2
          this.containerEnds[segment] = p
        } else if (c === 0x54 /* T */) {
          p = scanTo(buf, p, end, true)
          if (!isTimestamp(buf, fieldStart + 1, p)) return 'bad_timestamp'
        } else p = scanTo(buf, p, end, false)
      }
      const reason = this.checkValues(buf, segment, type)
      if (reason !== null) return reason
      this.segmentCount++
      if (p === end) return null
      p++ // ':' starts another segment of the same name
    }
  }

  private checkValues(buf: Uint8Array, segment: number, type: StatsdType): LineReason | null {
    const first = this.firstValues[segment] as number
    const last = first + (this.valueCounts[segment] as number)
    if (type === STATSD_TYPE.set) {
      // A set member is the raw text between the name and the type, ':' included (as DogStatsD).
      return this.valueStarts[first] === this.valueEnds[last - 1] ? 'bad_value' : null
    }
    for (let v = first; v < last; v++) {
      const valueStart = this.valueStarts[v] as number
      const value = parseDecimal(buf, valueStart, this.valueEnds[v] as number)
      if (value !== value || value === Infinity || value === -Infinity) return 'bad_value'
      if (type === STATSD_TYPE.timer && value < 0) return 'negative_duration'
      this.values[v] = value
      const sign = buf[valueStart]
      this.valueSigned[v] = sign === 0x2b || sign === 0x2d ? 1 : 0
    }
    return null
  }

  private growValues(): void {
    const size = this.values.length * 2
    const values = new Float64Array(size)
    const starts = new Int32Array(size)
    const ends = new Int32Array(size)
    const signed = new Uint8Array(size)
    values.set(this.values)
    starts.set(this.valueStarts)
    ends.set(this.valueEnds)
    signed.set(this.valueSigned)
    this.values = values
    this.valueStarts = starts
    this.valueEnds = ends
    this.valueSigned = signed
  }

  private growSegments(): void {
    const size = this.types.length * 2
    const grow32 = (old: Int32Array): Int32Array<ArrayBuffer> => {
      const next = new Int32Array(size)
      next.set(old)
      return next
    }
    const types = new Uint8Array(size)
    types.set(this.types)
    this.types = types
    const rates = new Float64Array(size)
    rates.set(this.rates)
    this.rates = rates
    this.firstValues = grow32(this.firstValues)
    this.valueCounts = grow32(this.valueCounts)
    this.tagsStarts = grow32(this.tagsStarts)
    this.tagsEnds = grow32(this.tagsEnds)
    this.containerStarts = grow32(this.containerStarts)
    this.containerEnds = grow32(this.containerEnds)
  }
}
