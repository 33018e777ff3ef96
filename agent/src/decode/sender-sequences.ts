// Loss per sender (protocol v1.1, SPEC.md §3.3): each datagram header names its client and
// numbers the datagram, and this table keeps, per client, the highest sequence seen and which of
// the WINDOW sequences below it arrived (a bitmap). A sequence is counted lost only when it leaves
// the window without having arrived, or when its client has been silent for SETTLE_IDLE_MS: so
// reordering within the window counts nothing, and a duplicate counts nothing. Typed arrays
// indexed by slot; a known client costs a hash lookup and a few array writes, no allocation.
import { type SelfMetric, fieldOf } from '../self-metrics/self-metric.js'
import { ByteKeyTable } from './byte-key-table.js'

/** Sequences below the highest that may still arrive out of order. A multiple of 32. */
export const REORDER_WINDOW = 128
const WORDS = REORDER_WINDOW / 32
const ALL = 0xffffffff
/** A sequence this far behind the highest is another instance under the same id, not a late datagram. */
export const RESTART_BEHIND = 1024
/** A client silent this long: the gaps left in its window are lost (nothing comes that late). */
export const SETTLE_IDLE_MS = 1000
/** A small sequence (inside the first window) after this much silence is a restarted client. */
export const RESTART_IDLE_MS = 10_000
export const DEFAULT_MAX_CLIENTS = 1024

/** One client, as /dashboard shows it; last_seen in ms since the epoch. */
export interface SenderRow {
  id: string
  received: number
  lost: number
  restarts: number
  last_seen: number
}

function popcount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555)
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff
}

type SenderCounts = Record<'lostTotal' | 'evictedTotal' | 'clients', number>

export class SenderSequences {
  /** Every client's lost datagrams, evicted ones included. A --workers primary adds its shards' here. */
  lostTotal = 0
  evictedTotal = 0
  /** Clients in the table now (the gauge: a --workers primary, which tracks none, sums its shards' here). */
  clients = 0
  readonly capacity: number
  /** Slots in use, 0..capacity. */
  private used = 0
  // The clock read once for a whole event-loop turn of datagrams (-1: outside one, read per header).
  // Date.now() cost ~100 ns on a 2-vCPU VM, as much as the rest of a header's tracking.
  private turnMs = -1
  private readonly now: () => number
  private table = new ByteKeyTable<number>()
  private readonly ids: string[] = []
  private readonly keys: Uint8Array[] = []
  private readonly high: Uint32Array
  private readonly bits: Uint32Array
  private readonly received: Float64Array
  private readonly lost: Float64Array
  private readonly restarts: Float64Array
  private readonly lastSeen: Float64Array
  /** 1 while gaps in the window may still be filled (cleared by settle). */
  private readonly open: Uint8Array
  /** 1 when the row changed since takeChanges(). */
  private readonly changed: Uint8Array

  constructor(capacity = DEFAULT_MAX_CLIENTS, now: () => number = Date.now) {
    this.capacity = capacity
    this.now = now
    this.high = new Uint32Array(capacity)
    this.bits = new Uint32Array(capacity * WORDS)
    this.received = new Float64Array(capacity)
    this.lost = new Float64Array(capacity)
    this.restarts = new Float64Array(capacity)
    this.lastSeen = new Float64Array(capacity)
    this.open = new Uint8Array(capacity)
    this.changed = new Uint8Array(capacity)
  }

  /** The datagrams until endTurn() arrived now: one clock read for all of them. */
  beginTurn(): void {
    this.turnMs = this.now()
  }

  endTurn(): void {
    this.turnMs = -1
  }

  /** One datagram header: the client id is buf[idStart, idEnd). */
  onHeader(buf: Uint8Array, idStart: number, idEnd: number, sequence: number): void {
    const now = this.turnMs >= 0 ? this.turnMs : this.now()
    let slot = this.table.get(buf, idStart, idEnd, 0, 0)
    if (slot === undefined) {
      slot = this.admit(buf, idStart, idEnd)
      this.begin(slot, sequence)
    } else this.advance(slot, sequence, now - (this.lastSeen[slot] ?? 0))
    this.received[slot] = (this.received[slot] ?? 0) + 1
    this.lastSeen[slot] = now
    this.open[slot] = 1
    this.changed[slot] = 1
  }

  private isSet(slot: number, sequence: number): boolean {
    const i = slot * WORDS + ((sequence % REORDER_WINDOW) >>> 5)
    return ((this.bits[i] ?? 0) & (1 << (sequence & 31))) !== 0
  }

  private mark(slot: number, sequence: number): void {
    const i = slot * WORDS + ((sequence % REORDER_WINDOW) >>> 5)
    this.bits[i] = (this.bits[i] ?? 0) | (1 << (sequence & 31))
  }

  // A client's first window: the sequences below a small first one are due (a datagram 0 lost
  // before the first that arrived is lost); any other first sequence starts with a full window.
  private begin(slot: number, sequence: number): void {
    this.high[slot] = sequence
    this.bits.fill(ALL, slot * WORDS, slot * WORDS + WORDS)
    if (sequence < REORDER_WINDOW)
      for (let s = 0; s < sequence; s++) {
        const i = slot * WORDS + (s >>> 5)
        this.bits[i] = (this.bits[i] ?? 0) & ~(1 << (s & 31))
      }
  }

  private advance(slot: number, sequence: number, idleMs: number): void {
    const high = this.high[slot] ?? 0
    const ahead = (sequence - high) >>> 0
    if (ahead === 0) return // a duplicate of the highest
    if (ahead < 0x80000000) {
      this.slide(slot, high, ahead)
      this.mark(slot, sequence)
      return
    }
    const behind = (high - sequence) >>> 0
    const small = sequence < REORDER_WINDOW
    // A new instance starts at 0: a small sequence beyond the window or after a silence, or a second 0.
    if (
      behind > RESTART_BEHIND ||
      (small && (idleMs >= RESTART_IDLE_MS || behind >= REORDER_WINDOW)) ||
      (sequence === 0 && this.isSet(slot, 0))
    ) {
      // Another instance under this id: what the old one left missing is lost, then start over.
      this.addLost(slot, this.missing(slot))
      this.restarts[slot] = (this.restarts[slot] ?? 0) + 1
      this.begin(slot, sequence)
    } else if (behind < REORDER_WINDOW) this.mark(slot, sequence) // late, in the window: not lost
    // Later than the window: it was counted lost when it left the window.
  }

  // The highest moves `ahead` up from `high`: sequences that leave the window unset are lost.
  private slide(slot: number, high: number, ahead: number): void {
    const base = slot * WORDS
    if (ahead >= REORDER_WINDOW) {
      this.addLost(slot, this.missing(slot) + (ahead - REORDER_WINDOW))
      this.bits.fill(0, base, base + WORDS)
    } else {
      let lost = 0
      for (let k = 1; k <= ahead; k++) {
        const s = (high + k) >>> 0
        const i = base + ((s % REORDER_WINDOW) >>> 5)
        const bit = 1 << (s & 31)
        const word = this.bits[i] ?? 0
        if ((word & bit) === 0) lost++
        this.bits[i] = word & ~bit
      }
      if (lost > 0) this.addLost(slot, lost)
    }
    this.high[slot] = (high + ahead) >>> 0
  }

  private missing(slot: number): number {
    let n = 0
    for (let i = slot * WORDS; i < slot * WORDS + WORDS; i++) n += 32 - popcount(this.bits[i] ?? 0)
    return n
  }

  private addLost(slot: number, n: number): void {
    this.lost[slot] = (this.lost[slot] ?? 0) + n
    this.lostTotal += n
  }

  // A new client: a free slot, or the one idle the longest (its window settled first).
  private admit(buf: Uint8Array, idStart: number, idEnd: number): number {
    let slot = this.used
    if (slot < this.capacity) {
      this.used++
      this.clients++
    } else {
      slot = 0
      for (let s = 1; s < this.capacity; s++) if ((this.lastSeen[s] ?? 0) < (this.lastSeen[slot] ?? 0)) slot = s
      this.addLost(slot, this.missing(slot))
      this.evictedTotal++
      this.table.clear()
      for (let s = 0; s < this.capacity; s++) {
        const key = this.keys[s] as Uint8Array
        if (s !== slot) this.table.set(key, 0, key.length, 0, 0, s)
      }
    }
    const key = buf.slice(idStart, idEnd)
    this.keys[slot] = key
    this.ids[slot] = Buffer.from(key).toString('utf8')
    this.received[slot] = 0
    this.lost[slot] = 0
    this.restarts[slot] = 0
    this.table.set(key, 0, key.length, 0, 0, slot)
    return slot
  }

  /** Counts the gaps of clients silent for SETTLE_IDLE_MS as lost: nothing arrives that late. */
  settle(now = this.now()): void {
    for (let slot = 0; slot < this.used; slot++) {
      if (this.open[slot] === 0 || now - (this.lastSeen[slot] ?? 0) < SETTLE_IDLE_MS) continue
      const n = this.missing(slot)
      if (n > 0) {
        this.addLost(slot, n)
        this.changed[slot] = 1
      }
      this.bits.fill(ALL, slot * WORDS, slot * WORDS + WORDS)
      this.open[slot] = 0
    }
  }

  private row(slot: number): SenderRow {
    return {
      id: this.ids[slot] as string,
      received: this.received[slot] ?? 0,
      lost: this.lost[slot] ?? 0,
      restarts: this.restarts[slot] ?? 0,
      last_seen: this.lastSeen[slot] ?? 0,
    }
  }

  /** Every client, settled first, by id. */
  rows(): SenderRow[] {
    this.settle()
    const out: SenderRow[] = []
    for (let slot = 0; slot < this.used; slot++) out.push(this.row(slot))
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }

  /** The rows that changed since the last call (what a --workers shard ships), settled first. */
  takeChanges(): SenderRow[] {
    this.settle()
    const out: SenderRow[] = []
    for (let slot = 0; slot < this.used; slot++)
      if (this.changed[slot] === 1) {
        this.changed[slot] = 0
        out.push(this.row(slot))
      }
    return out
  }

  /** The loss families; a --workers primary adds each shard's increase (lost, evicted) and change (clients). */
  get selfMetrics(): SelfMetric[] {
    return [
      {
        name: 'taskmeter_protocol_datagrams_lost_total',
        help: 'Numbered datagrams (protocol v1.1) that never arrived, all clients',
        type: 'counter',
        read: () => {
          this.settle()
          return this.lostTotal
        },
        add: fieldOf(this as SenderCounts, 'lostTotal').add,
      },
      {
        name: 'taskmeter_protocol_clients',
        help: 'Clients whose numbered datagrams are tracked for loss (at most --max-clients)',
        type: 'gauge',
        ...fieldOf(this as SenderCounts, 'clients'),
      },
      {
        name: 'taskmeter_protocol_clients_evicted_total',
        help: 'Tracked clients dropped, the longest idle first, to make room under --max-clients',
        type: 'counter',
        ...fieldOf(this as SenderCounts, 'evictedTotal'),
      },
    ]
  }
}
