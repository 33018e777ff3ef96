// Members of one StatsD set (`name:member|s`), for "unique members over the sliding window".
// A member is kept as a 53-bit hash of its bytes and the window sub-slot (epoch) it was last seen
// in: 12 bytes a slot, no string per member. Open addressing at load ≤ 1/2, so a full set of
// MAX_SET_MEMBERS holds 2 × 1024 slots = 24 KiB, below a busy task's worst case at precision 2
// (37 KiB, config/memory-budget.ts). Two members collide with probability n²/2⁵⁴ ≈ 6e-11 at 1024.

import type { DeltaSink, DeltaSource } from './delta-bytes.js'

export const MAX_SET_MEMBERS = 1024

const INITIAL_SLOTS = 16
const MAX_SLOTS = MAX_SET_MEMBERS * 2
const EMPTY = 0

/**
 * 53-bit hash of bytes [start, end): FNV-1a (32 bits) beside a murmur-style mix (21 bits), never
 * 0 (0 marks an empty slot).
 */
export function hashSetMember(buf: Uint8Array, start: number, end: number): number {
  let a = 0x811c9dc5
  let b = 0x9747b28c
  for (let i = start; i < end; i++) {
    const byte = buf[i] ?? 0
    a = Math.imul(a ^ byte, 0x01000193)
    b = Math.imul(b ^ byte, 0x5bd1e995)
    b ^= b >>> 15
  }
  b = Math.imul(b ^ (b >>> 13), 0x5bd1e995)
  b ^= b >>> 15
  return (a >>> 0) * 0x200000 + (b & 0x1fffff) + 1
}

export class SetMembers {
  private hashes: Float64Array
  private epochs: Uint32Array
  private mask: number
  /** Occupied slots (members live or expired, until a sweep). */
  private occupied: number
  /** Epoch of the last sweep: a full set sweeps at most once per sub-window. */
  private sweptEpoch: number

  constructor() {
    this.hashes = new Float64Array(INITIAL_SLOTS)
    this.epochs = new Uint32Array(INITIAL_SLOTS)
    this.mask = INITIAL_SLOTS - 1
    this.occupied = 0
    this.sweptEpoch = -1
  }

  /**
   * Marks `hash` seen in `epoch`. Returns false when the member is new and the set already
   * holds MAX_SET_MEMBERS live members (the caller counts the drop).
   */
  add(hash: number, epoch: number, liveEpochs: number): boolean {
    let slot = (hash >>> 0) & this.mask
    for (;;) {
      const stored = this.hashes[slot]
      if (stored === EMPTY) break
      if (stored === hash) {
        // max(): merged workers' data may come in any order (--workers); in one process epochs only grow.
        if (epoch > (this.epochs[slot] ?? 0)) this.epochs[slot] = epoch
        return true
      }
      slot = (slot + 1) & this.mask
    }
    if (this.occupied >= MAX_SET_MEMBERS) {
      if (this.sweptEpoch === epoch) return false
      this.rebuild(this.hashes.length, epoch, liveEpochs)
      if (this.occupied >= MAX_SET_MEMBERS) return false
      return this.add(hash, epoch, liveEpochs)
    }
    if ((this.occupied + 1) * 2 > this.hashes.length && this.hashes.length < MAX_SLOTS) {
      this.rebuild(this.hashes.length * 2, epoch, liveEpochs)
      return this.add(hash, epoch, liveEpochs)
    }
    this.hashes[slot] = hash
    this.epochs[slot] = epoch
    this.occupied++
    return true
  }

  /** Members seen in the last `liveEpochs` epochs up to `epoch`. */
  liveCount(epoch: number, liveEpochs: number): number {
    let count = 0
    const oldest = epoch - liveEpochs
    for (let slot = 0; slot < this.hashes.length; slot++) {
      if (this.hashes[slot] !== EMPTY && (this.epochs[slot] ?? 0) > oldest) count++
    }
    return count
  }

  /**
   * A --workers shard: writes the members seen after epoch − liveEpochs, each with the epoch it
   * was last seen in, then forgets every member (the primary holds them now).
   */
  takeDelta(sink: DeltaSink, epoch: number, liveEpochs: number): void {
    this.writeState(sink, epoch, liveEpochs)
    this.clear()
  }

  /** takeDelta() for the state file (state/): the same members, none forgotten. applyDelta() reads it. */
  writeState(sink: DeltaSink, epoch: number, liveEpochs: number): void {
    const hashes = this.hashes
    const epochs = this.epochs
    const oldest = epoch - liveEpochs
    sink.u32(this.liveCount(epoch, liveEpochs))
    for (let slot = 0; slot < hashes.length; slot++) {
      const hash = hashes[slot] ?? 0
      const seen = epochs[slot] ?? 0
      if (hash === EMPTY || seen <= oldest) continue
      sink.f64(hash)
      sink.f64(seen)
    }
  }

  /**
   * The primary: adds a delta from takeDelta() (the union, each member at its latest epoch); null
   * reads past it. Returns how many new members the cap refused (the caller counts them).
   */
  static applyDelta(source: DeltaSource, into: SetMembers | null, liveEpochs: number): number {
    const members = source.u32()
    let refused = 0
    for (let i = 0; i < members; i++) {
      const hash = source.f64()
      const epoch = source.f64()
      if (into !== null && !into.add(hash, epoch, liveEpochs)) refused++
    }
    return refused
  }

  /** Forgets every member (a shard after handing them over), keeping the table's size. */
  private clear(): void {
    this.hashes.fill(EMPTY)
    this.epochs.fill(0)
    this.occupied = 0
    this.sweptEpoch = -1
  }

  /** Re-inserts the live members into `slots` slots, dropping expired ones. */
  private rebuild(slots: number, epoch: number, liveEpochs: number): void {
    const oldHashes = this.hashes
    const oldEpochs = this.epochs
    const oldest = epoch - liveEpochs
    this.hashes = new Float64Array(slots)
    this.epochs = new Uint32Array(slots)
    this.mask = slots - 1
    this.occupied = 0
    this.sweptEpoch = epoch
    for (let i = 0; i < oldHashes.length; i++) {
      const hash = oldHashes[i] ?? 0
      if (hash === EMPTY || (oldEpochs[i] ?? 0) <= oldest) continue
      let slot = (hash >>> 0) & this.mask
      while (this.hashes[slot] !== EMPTY) slot = (slot + 1) & this.mask
      this.hashes[slot] = hash
      this.epochs[slot] = oldEpochs[i] ?? 0
      this.occupied++
    }
  }

  footprintBytes(): number {
    return 64 + this.hashes.byteLength + this.epochs.byteLength
  }
}
