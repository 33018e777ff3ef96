// A minimal protocol-buffers writer for the two messages we send (io.prometheus.client.MetricFamily
// and prometheus.WriteRequest): one growable Buffer, no per-field objects. Nested messages reserve
// a guess of their length prefix and shift the body only when the guess was wrong, so a 10 000-task
// scrape is one pass (bench/scrape.bench.mjs measures it against protobufjs).
// Encoding rules: https://protobuf.dev/programming-guides/encoding/

export const WIRE_VARINT = 0
export const WIRE_FIXED64 = 1
export const WIRE_LENGTH = 2

const TWO_32 = 4294967296

/** Bytes a varint of a non-negative integer (≤ 2^53) takes. */
export function varintSize(value: number): number {
  if (value < 128) return 1
  if (value < 16384) return 2
  if (value < 2097152) return 3
  if (value < 268435456) return 4
  let size = 4
  let rest = Math.floor(value / 268435456)
  while (rest > 0) {
    size++
    rest = Math.floor(rest / 128)
  }
  return size
}

export class ProtobufWriter {
  buf: Buffer
  pos: number
  private readonly starts: number[]
  private readonly reserved: number[]

  constructor(capacity = 65536) {
    this.buf = Buffer.allocUnsafe(capacity)
    this.pos = 0
    this.starts = []
    this.reserved = []
  }

  reset(): void {
    this.pos = 0
    this.starts.length = 0
    this.reserved.length = 0
  }

  ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.pos + bytes) size *= 2
    const next = Buffer.allocUnsafe(size)
    this.buf.copy(next, 0, 0, this.pos)
    this.buf = next
  }

  /** A varint of a non-negative integer up to 2^53. */
  varint(value: number): void {
    this.ensure(10)
    const buf = this.buf
    let pos = this.pos
    if (value < TWO_32) {
      let v = value >>> 0
      while (v >= 128) {
        buf[pos++] = (v & 127) | 128
        v >>>= 7
      }
      buf[pos++] = v
    } else {
      let v = value
      while (v >= 128) {
        buf[pos++] = (v % 128) | 128
        v = Math.floor(v / 128)
      }
      buf[pos++] = v
    }
    this.pos = pos
  }

  tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType)
  }

  uintField(field: number, value: number): void {
    this.varint(field * 8)
    this.varint(value)
  }

  /** sint32/sint64 (zigzag) for safe integers. */
  sintField(field: number, value: number): void {
    this.varint(field * 8)
    this.varint(value >= 0 ? value * 2 : -value * 2 - 1)
  }

  /** A zigzag varint without a tag (inside a packed field). */
  zigzag(value: number): void {
    this.varint(value >= 0 ? value * 2 : -value * 2 - 1)
  }

  doubleField(field: number, value: number): void {
    this.varint(field * 8 + WIRE_FIXED64)
    this.ensure(8)
    this.buf.writeDoubleLE(value, this.pos)
    this.pos += 8
  }

  stringField(field: number, text: string): void {
    const bytes = Buffer.byteLength(text, 'utf8')
    this.varint(field * 8 + WIRE_LENGTH)
    this.varint(bytes)
    this.ensure(bytes)
    this.pos += this.buf.write(text, this.pos, bytes, 'utf8')
  }

  /** Bytes that are already encoded fields (cached label pairs). */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length)
    this.buf.set(bytes, this.pos)
    this.pos += bytes.length
  }

  /** Bytes start..end of `from` (series of an earlier body, already encoded). */
  copyFrom(from: Buffer, start: number, end: number): void {
    this.ensure(end - start)
    from.copy(this.buf, this.pos, start, end)
    this.pos += end - start
  }

  /** Opens a length-delimited field; `reserve` is the expected size of its length prefix. */
  begin(field: number, reserve = 1): void {
    this.varint(field * 8 + WIRE_LENGTH)
    this.open(reserve)
  }

  /** Opens a bare length-delimited message (the `encoding=delimited` stream framing). */
  beginDelimited(reserve = 3): void {
    this.open(reserve)
  }

  private open(reserve: number): void {
    this.ensure(reserve)
    this.starts.push(this.pos)
    this.reserved.push(reserve)
    this.pos += reserve
  }

  end(): void {
    const start = this.starts.pop() as number
    const reserve = this.reserved.pop() as number
    const bodyStart = start + reserve
    const length = this.pos - bodyStart
    const size = varintSize(length)
    if (size !== reserve) {
      this.ensure(size - reserve)
      this.buf.copyWithin(start + size, bodyStart, this.pos)
      this.pos += size - reserve
    }
    let at = start
    let v = length
    while (v >= 128) {
      this.buf[at++] = (v % 128) | 128
      v = Math.floor(v / 128)
    }
    this.buf[at] = v
  }

  /** What was written, not copied: valid until the next reset or write. */
  view(): Buffer {
    return this.buf.subarray(0, this.pos)
  }

  /** A copy of what was written (the writer is reused by the next render). */
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos))
  }
}
