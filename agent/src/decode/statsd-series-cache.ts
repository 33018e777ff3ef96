// Series of StatsD lines looked up by raw bytes — name + tag field (+ container id) — as
// protocol-sink.ts does for protocol v1, so a known series costs a hash of its bytes and no string.
// Lines with a `c:` container id are keyed by name | tags | '|' | container in a scratch buffer
// ('|' never occurs inside a field), in their own table, so they cannot collide with plain keys.
import { ByteKeyTable } from './byte-key-table.js'

const PIPE = 0x7c

export class StatsdSeriesCache<V> {
  private readonly plain = new ByteKeyTable<V>()
  private readonly withContainer = new ByteKeyTable<V>()
  private readonly limit: number
  private scratch = new Uint8Array(1024)
  private scratchNameEnd = 0
  private scratchLength = 0

  constructor(limit: number) {
    this.limit = limit
  }

  private buildKey(
    buf: Uint8Array,
    nameStart: number,
    nameEnd: number,
    tagsStart: number,
    tagsEnd: number,
    containerStart: number,
    containerEnd: number,
  ): void {
    const length = nameEnd - nameStart + (tagsEnd - tagsStart) + 1 + (containerEnd - containerStart)
    if (length > this.scratch.length) this.scratch = new Uint8Array(Math.max(length, this.scratch.length * 2))
    const scratch = this.scratch
    let k = 0
    for (let i = nameStart; i < nameEnd; i++) scratch[k++] = buf[i] ?? 0
    this.scratchNameEnd = k
    for (let i = tagsStart; i < tagsEnd; i++) scratch[k++] = buf[i] ?? 0
    scratch[k++] = PIPE
    for (let i = containerStart; i < containerEnd; i++) scratch[k++] = buf[i] ?? 0
    this.scratchLength = k
  }

  get(
    buf: Uint8Array,
    nameStart: number,
    nameEnd: number,
    tagsStart: number,
    tagsEnd: number,
    containerStart: number,
    containerEnd: number,
  ): V | undefined {
    if (containerEnd === containerStart) return this.plain.get(buf, nameStart, nameEnd, tagsStart, tagsEnd)
    this.buildKey(buf, nameStart, nameEnd, tagsStart, tagsEnd, containerStart, containerEnd)
    return this.withContainer.get(this.scratch, 0, this.scratchNameEnd, this.scratchNameEnd, this.scratchLength)
  }

  set(
    buf: Uint8Array,
    nameStart: number,
    nameEnd: number,
    tagsStart: number,
    tagsEnd: number,
    containerStart: number,
    containerEnd: number,
    value: V,
  ): void {
    if (this.plain.size + this.withContainer.size >= this.limit) this.clear()
    if (containerEnd === containerStart) return this.plain.set(buf, nameStart, nameEnd, tagsStart, tagsEnd, value)
    this.buildKey(buf, nameStart, nameEnd, tagsStart, tagsEnd, containerStart, containerEnd)
    this.withContainer.set(this.scratch, 0, this.scratchNameEnd, this.scratchNameEnd, this.scratchLength, value)
  }

  clear(): void {
    this.plain.clear()
    this.withContainer.clear()
  }
}
