// The bytes a state type writes its delta into and applies one from (a --workers shard's changes
// since it last sent them: task-stats.ts, custom-series.ts, inflight-registry.ts and the types
// they hold). Each type writes and reads its own fields, beside each other in its own file; the
// message around them (what a shard last sent, the header) is the workers' (workers/).
// The layout: one growable buffer with slack (one bounds check per field, as msgpackr's pack.js),
// little-endian float64s, u32 counts, length-prefixed UTF-8 strings and byte runs. It never leaves
// the machine (the agent's own processes over their IPC channel), so it carries no version.
import type { LabelPairs } from './labels.js'

/** Where a delta is written: DeltaWriter's bytes, or any sink of the same values in order. */
export interface DeltaSink {
  u8(value: number): void
  u32(value: number): void
  f64(value: number): void
  str(value: string): void
  bytes(value: Uint8Array): void
}

/** Where a delta is read from, in the order it was written. */
export interface DeltaSource {
  u8(): number
  u32(): number
  f64(): number
  str(): string
  /** A view that may not outlive the source: copy it before keeping it. */
  bytesView(): Uint8Array
}

export class DeltaWriter implements DeltaSink {
  private buf: Buffer
  length: number

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes)
    this.length = 0
  }

  reset(): void {
    this.length = 0
  }

  private ensure(bytes: number): void {
    if (this.length + bytes <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.length + bytes) size *= 2
    const grown = Buffer.allocUnsafe(size)
    this.buf.copy(grown, 0, 0, this.length)
    this.buf = grown
  }

  u8(value: number): void {
    this.ensure(1)
    this.buf[this.length++] = value
  }

  u32(value: number): void {
    this.ensure(4)
    this.buf.writeUInt32LE(value, this.length)
    this.length += 4
  }

  f64(value: number): void {
    this.ensure(8)
    this.buf.writeDoubleLE(value, this.length)
    this.length += 8
  }

  str(value: string): void {
    const max = Buffer.byteLength(value)
    this.ensure(4 + max)
    this.buf.writeUInt32LE(max, this.length)
    this.buf.write(value, this.length + 4)
    this.length += 4 + max
  }

  bytes(value: Uint8Array): void {
    this.ensure(4 + value.length)
    this.buf.writeUInt32LE(value.length, this.length)
    this.buf.set(value, this.length + 4)
    this.length += 4 + value.length
  }

  /** A copy of what was written (the writer is reused). */
  finish(): Uint8Array {
    return Uint8Array.prototype.slice.call(this.buf, 0, this.length)
  }
}

export class DeltaReader implements DeltaSource {
  private readonly buf: Buffer
  private pos: number

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    this.pos = 0
  }

  get done(): boolean {
    return this.pos >= this.buf.length
  }

  u8(): number {
    return this.buf[this.pos++] ?? 0
  }

  u32(): number {
    const value = this.buf.readUInt32LE(this.pos)
    this.pos += 4
    return value
  }

  f64(): number {
    const value = this.buf.readDoubleLE(this.pos)
    this.pos += 8
    return value
  }

  str(): string {
    const length = this.u32()
    const value = this.buf.toString('utf8', this.pos, this.pos + length)
    this.pos += length
    return value
  }

  /** A view into the delta: copy it before keeping it. */
  bytesView(): Uint8Array {
    const length = this.u32()
    const view = this.buf.subarray(this.pos, this.pos + length)
    this.pos += length
    return view
  }
}

export function writeLabels(sink: DeltaSink, labels: LabelPairs): void {
  sink.u32(labels.length)
  for (let i = 0; i < labels.length; i++) {
    const pair = labels[i] as readonly [string, string]
    sink.str(pair[0])
    sink.str(pair[1])
  }
}

export function readLabels(source: DeltaSource): Array<[string, string]> {
  const count = source.u32()
  const labels: Array<[string, string]> = []
  for (let i = 0; i < count; i++) labels.push([source.str(), source.str()])
  return labels
}

/** A copy of a view from DeltaSource.bytesView(), to keep. */
export function copyBytes(view: Uint8Array): Uint8Array {
  return Uint8Array.prototype.slice.call(view)
}
