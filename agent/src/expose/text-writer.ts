// A growable byte buffer for the text exposition, kept across scrapes (one per family), so a
// render of 10 000 tasks builds no string per sample: integers are written digit by digit, label
// text is UTF-8 bytes cached per series, short ASCII (names, float digits) is copied by a loop.
// Measured (bench/scrape.bench.mjs, 10 000 busy tasks): string concatenation into 7 family strings
// spent ~100 ms a render building and flattening ropes plus ~150 ms of GC (bench/README.md).

export class TextWriter {
  buf: Buffer
  length: number

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes)
    this.length = 0
  }

  reset(): void {
    this.length = 0
  }

  /** Room for `bytes` more; callers that write several short parts ask once. */
  ensure(bytes: number): void {
    if (this.length + bytes <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.length + bytes) size *= 2
    const grown = Buffer.allocUnsafe(size)
    this.buf.copy(grown, 0, 0, this.length)
    this.buf = grown
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

  /** Appends another writer's bytes. */
  append(other: TextWriter): void {
    this.ensure(other.length)
    other.buf.copy(this.buf, this.length, 0, other.length)
    this.length += other.length
  }

  toString(): string {
    return this.buf.toString('utf8', 0, this.length)
  }

  /** A copy of the bytes written (the writer is reused by the next render). */
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.length))
  }
}
