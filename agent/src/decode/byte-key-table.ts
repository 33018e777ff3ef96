// Open-addressing hash table keyed by raw bytes from a datagram (a name, optionally followed by its
// tag map), so the hot path finds a series without building a string per event. Measured on
// 57-event datagrams: a latin1 string key + Map cost ~100 ns/event of the ~300 ns/event total.
// Keys are copied in on insert only (a new series). The table is bounded by its owner (clear()).

const EMPTY = -1

export class ByteKeyTable<V> {
  // Set by allocate(), from the constructor and from grow().
  private hashes!: Int32Array
  private nameLengths!: Int32Array
  private keys!: Array<Uint8Array | null>
  private values!: Array<V | null>
  private mask!: number
  size!: number

  constructor(initialCapacity = 1024) {
    let capacity = 16
    while (capacity < initialCapacity * 2) capacity *= 2
    this.allocate(capacity)
  }

  // FNV-1a over the name bytes, then the tag bytes; the name length is compared separately, so
  // (name "a\xff…", no tags) and (name "a", tags "…") never collide as keys.
  private static hash(buf: Uint8Array, nameStart: number, nameEnd: number, tagsStart: number, tagsEnd: number): number {
    let h = 0x811c9dc5
    for (let i = nameStart; i < nameEnd; i++) h = Math.imul(h ^ (buf[i] ?? 0), 0x01000193)
    for (let i = tagsStart; i < tagsEnd; i++) h = Math.imul(h ^ (buf[i] ?? 0), 0x01000193)
    return (h ^ (h >>> 16)) & 0x7fffffff
  }

  private matches(
    slot: number,
    buf: Uint8Array,
    nameStart: number,
    nameEnd: number,
    tagsStart: number,
    tagsEnd: number,
  ): boolean {
    const nameLength = nameEnd - nameStart
    const key = this.keys[slot] as Uint8Array
    if (this.nameLengths[slot] !== nameLength || key.length !== nameLength + (tagsEnd - tagsStart)) return false
    for (let i = 0; i < nameLength; i++) if (key[i] !== buf[nameStart + i]) return false
    for (let i = tagsStart, k = nameLength; i < tagsEnd; i++, k++) if (key[k] !== buf[i]) return false
    return true
  }

  get(buf: Uint8Array, nameStart: number, nameEnd: number, tagsStart: number, tagsEnd: number): V | undefined {
    const hash = ByteKeyTable.hash(buf, nameStart, nameEnd, tagsStart, tagsEnd)
    let slot = hash & this.mask
    for (;;) {
      const stored = this.hashes[slot]
      if (stored === EMPTY) return undefined
      if (stored === hash && this.matches(slot, buf, nameStart, nameEnd, tagsStart, tagsEnd))
        return this.values[slot] as V
      slot = (slot + 1) & this.mask
    }
  }

  set(buf: Uint8Array, nameStart: number, nameEnd: number, tagsStart: number, tagsEnd: number, value: V): void {
    if ((this.size + 1) * 2 > this.hashes.length) this.grow()
    const hash = ByteKeyTable.hash(buf, nameStart, nameEnd, tagsStart, tagsEnd)
    let slot = hash & this.mask
    for (;;) {
      const stored = this.hashes[slot]
      if (stored === EMPTY) break
      if (stored === hash && this.matches(slot, buf, nameStart, nameEnd, tagsStart, tagsEnd)) {
        this.values[slot] = value
        return
      }
      slot = (slot + 1) & this.mask
    }
    const nameLength = nameEnd - nameStart
    const key = new Uint8Array(nameLength + (tagsEnd - tagsStart))
    key.set(buf.subarray(nameStart, nameEnd), 0)
    key.set(buf.subarray(tagsStart, tagsEnd), nameLength)
    this.hashes[slot] = hash
    this.nameLengths[slot] = nameLength
    this.keys[slot] = key
    this.values[slot] = value
    this.size++
  }

  private grow(): void {
    const oldKeys = this.keys
    const oldLengths = this.nameLengths
    const oldValues = this.values
    const capacity = this.hashes.length * 2
    this.allocate(capacity)
    for (let i = 0; i < oldKeys.length; i++) {
      const key = oldKeys[i]
      if (key === null || key === undefined) continue
      const nameLength = oldLengths[i] ?? 0
      this.set(key, 0, nameLength, nameLength, key.length, oldValues[i] as V)
    }
  }

  /** Empty slots for `capacity` keys (a power of two). */
  private allocate(capacity: number): void {
    this.hashes = new Int32Array(capacity).fill(EMPTY)
    this.nameLengths = new Int32Array(capacity)
    this.keys = new Array<Uint8Array | null>(capacity).fill(null)
    this.values = new Array<V | null>(capacity).fill(null)
    this.mask = capacity - 1
    this.size = 0
  }

  clear(): void {
    this.hashes.fill(EMPTY)
    this.keys.fill(null)
    this.values.fill(null)
    this.size = 0
  }
}
