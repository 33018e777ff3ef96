// A byte writer for the text exposition, kept across scrapes (one per family), so a render of
// 10 000 tasks builds no string per sample: integers are written digit by digit, label text is
// UTF-8 bytes cached per series, short ASCII (names, float digits) is copied by a loop.
// Measured (bench/scrape.bench.mjs, 10 000 busy tasks): string concatenation into 7 family strings
// spent ~100 ms a render building and flattening ropes plus ~150 ms of GC (bench/README.md).
// The bytes live in 1 MiB chunks rather than one growing buffer: growing a 32 MiB buffer copied it
// whole in one step, holding the event loop, and left up to twice the body allocated.
// Series copied from the previous body (task-series-cache.ts) are borrowed as views of it when the
// run is long, so the one copy of them is the final join (render-pause.ts joinParts).

const CHUNK_BYTES = 1024 * 1024
// ASCII of the lowercase hex digits, for trace and span ids (W3C trace context writes them so).
const HEX_DIGITS = Buffer.from('0123456789abcdef')
// Runs of an earlier body shorter than this are copied rather than borrowed: a view per short run
// would cost more than its bytes.
const BORROW_MIN_BYTES = 4096

export class TextWriter {
  /** The chunk being written. */
  buf: Buffer
  length: number
  private readonly chunks: Buffer[]
  private current = 0
  /** The body before the chunk's open part: pieces of chunks and borrowed views, in order. */
  private readonly done: Uint8Array[] = []
  private doneBytes = 0
  /** Where the open part of the chunk being written starts. */
  private from = 0

  constructor() {
    this.buf = Buffer.allocUnsafe(CHUNK_BYTES)
    this.chunks = [this.buf]
    this.length = 0
  }

  /**
   * Starts a new body. Chunks beyond what the last body used (and one spare) are let go: once most
   * series are borrowed from the previous body, the writer holds only what is encoded afresh.
   */
  reset(): void {
    this.chunks.length = Math.min(this.chunks.length, this.current + 2)
    this.current = 0
    this.buf = this.chunks[0] as Buffer
    this.length = 0
    this.from = 0
    this.done.length = 0
    this.doneBytes = 0
  }

  /** Forgets the views of the body (once it was joined): borrowed ones would keep an old body alive. */
  release(): void {
    this.done.length = 0
  }

  /** Bytes written since the last reset. */
  get position(): number {
    return this.doneBytes + this.length - this.from
  }

  private seal(): void {
    if (this.length > this.from) {
      this.done.push(this.buf.subarray(this.from, this.length))
      this.doneBytes += this.length - this.from
    }
    this.from = this.length
  }

  /** Room for `bytes` more in the chunk being written; callers that write several short parts ask once. */
  ensure(bytes: number): void {
    if (this.length + bytes <= this.buf.length) return
    this.seal()
    this.current++
    let next = this.chunks[this.current]
    if (next === undefined || next.length < bytes) {
      next = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes))
      this.chunks[this.current] = next
    }
    this.buf = next
    this.length = 0
    this.from = 0
  }

  /** Views of what was written, in order, onto `out`: valid until the next reset or write. */
  viewsInto(out: Uint8Array[]): void {
    for (const view of this.done) out.push(view)
    out.push(this.buf.subarray(this.from, this.length))
  }

  /**
   * Bytes start..end of `from` as the next part of the body. A long run is borrowed (a view, no
   * copy): `from` must stay unchanged until the views are read.
   */
  borrow(from: Buffer, start: number, end: number): void {
    if (end - start < BORROW_MIN_BYTES) {
      this.copyFrom(from, start, end)
      return
    }
    this.seal()
    this.done.push(from.subarray(start, end))
    this.doneBytes += end - start
  }

  /** Bytes start..end of `from`, filling each chunk before the next (a long run takes no chunk of its own). */
  copyFrom(from: Buffer, start: number, end: number): void {
    let at = start
    while (at < end) {
      if (this.length === this.buf.length) this.ensure(1)
      const n = Math.min(end - at, this.buf.length - this.length)
      from.copy(this.buf, this.length, at, at + n)
      this.length += n
      at += n
    }
  }

  bytes(value: Uint8Array): void {
    this.ensure(value.length)
    this.buf.set(value, this.length)
    this.length += value.length
  }

  /** ASCII text (metric names, number digits): a byte per char. */
  ascii(text: string): void {
    const n = text.length
    this.ensure(n)
    const buf = this.buf
    let at = this.length
    for (let i = 0; i < n; i++) buf[at++] = text.charCodeAt(i)
    this.length = at
  }

  /** Any text, as UTF-8 (user-given strings from the custom and self families). */
  utf8(text: string): void {
    this.ensure(text.length * 3)
    this.length += this.buf.write(text, this.length, 'utf8')
  }

  /** bytes[start, start + count) as lowercase hex, two digits a byte. */
  hex(bytes: Uint8Array, start: number, count: number): void {
    this.ensure(count * 2)
    const buf = this.buf
    let at = this.length
    for (let i = start; i < start + count; i++) {
      const b = bytes[i] ?? 0
      buf[at++] = HEX_DIGITS[b >> 4] ?? 0
      buf[at++] = HEX_DIGITS[b & 15] ?? 0
    }
    this.length = at
  }

  byte(value: number): void {
    this.ensure(1)
    this.buf[this.length++] = value
  }

  /** A sample value as the text format prints it (formatNumber): integers without a string. */
  number(value: number): void {
    if (value >= 0 && value <= 0x1fffffffffffff && value === Math.floor(value)) this.unsigned(value)
    else
      this.ascii(
        value === Infinity ? '+Inf' : value === -Infinity ? '-Inf' : Number.isNaN(value) ? 'NaN' : String(value),
      )
  }

  private unsigned(value: number): void {
    let digits = 1
    for (let v = value; v >= 10; v = Math.floor(v / 10)) digits++
    this.ensure(digits)
    const buf = this.buf
    let at = this.length + digits
    this.length = at
    let v = value
    do {
      const next = Math.floor(v / 10)
      buf[--at] = 48 + (v - next * 10)
      v = next
    } while (v > 0)
  }
}
