// Series of StatsD lines looked up by raw bytes — name + tag field (+ container id) — as
// protocol-sink.ts does for protocol v1, so a known series costs a hash of its bytes and no string.
// Lines with a `c:` container id are keyed by name | tags | '|' | container in a scratch buffer
// ('|' never occurs inside a field), in their own table, so they cannot collide with plain keys.
// A lookup selects its key; a miss is then filled with set(), under the same key.
import { ByteKeyTable } from './byte-key-table.js'

const PIPE = 0x7c

export class StatsdSeriesCache<V> {
  private readonly plain = new ByteKeyTable<V>()
  private readonly withContainer = new ByteKeyTable<V>()
  private readonly limit: number
  private scratch = new Uint8Array(1024)
  // The selected key: bytes [keyStart, keyEnd) then [tailStart, tailEnd) of keyBuf.
  private keyBuf: Uint8Array = this.scratch
  private keyStart = 0
  private keyEnd = 0
  private tailStart = 0
  private tailEnd = 0
  private keyTable: ByteKeyTable<V> = this.plain

  constructor(limit: number) {
    this.limit = limit
  }

  /** Selects the key of a line's series and returns what is cached under it. */
  select(
    buf: Uint8Array,
    nameStart: number,
    nameEnd: number,
    tagsStart: number,
    tagsEnd: number,
    containerStart: number,
    containerEnd: number,
  ): V | undefined {
    if (containerEnd === containerStart) {
      this.keyTable = this.plain
      this.keyBuf = buf
      this.keyStart = nameStart
      this.keyEnd = nameEnd
      this.tailStart = tagsStart
      this.tailEnd = tagsEnd
    } else {
      const length = nameEnd - nameStart + (tagsEnd - tagsStart) + 1 + (containerEnd - containerStart)
      if (length > this.scratch.length) this.scratch = new Uint8Array(Math.max(length, this.scratch.length * 2))
      const scratch = this.scratch
      let k = 0
      for (let i = nameStart; i < nameEnd; i++) scratch[k++] = buf[i] ?? 0
      const nameLength = k
      for (let i = tagsStart; i < tagsEnd; i++) scratch[k++] = buf[i] ?? 0
      scratch[k++] = PIPE
      for (let i = containerStart; i < containerEnd; i++) scratch[k++] = buf[i] ?? 0
      this.keyTable = this.withContainer
      this.keyBuf = scratch
      this.keyStart = 0
      this.keyEnd = nameLength
      this.tailStart = nameLength
      this.tailEnd = k
    }
    return this.keyTable.get(this.keyBuf, this.keyStart, this.keyEnd, this.tailStart, this.tailEnd)
  }

  /** Caches `value` under the key select() chose last (the buffer it read must be unchanged). */
  set(value: V): void {
    if (this.plain.size + this.withContainer.size >= this.limit) this.clear()
    this.keyTable.set(this.keyBuf, this.keyStart, this.keyEnd, this.tailStart, this.tailEnd, value)
  }

  clear(): void {
    this.plain.clear()
    this.withContainer.clear()
  }
}
