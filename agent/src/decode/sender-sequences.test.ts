// The loss tracker on hand-picked sequences: in order, gaps, reordering at the window's edges,
// duplicates, the uint32 wrap, restarts, and eviction at the cap.
import { BatchEncoder, encodeName, encodeSenderId } from '@taskmeter/protocol'
import { describe, expect, it } from 'vitest'
import { Aggregator } from '../aggregate/aggregator.js'
import { DatagramRouter } from './datagram-router.js'
import {
  REORDER_WINDOW,
  RESTART_BEHIND,
  RESTART_IDLE_MS,
  SETTLE_IDLE_MS,
  type SenderRow,
  SenderSequences,
} from './sender-sequences.js'

class Clock {
  ms = 1_000_000
  readonly now = (): number => this.ms
}

function tracker(capacity = 16): { clock: Clock; senders: SenderSequences; send: (id: string, seq: number) => void } {
  const clock = new Clock()
  const senders = new SenderSequences(capacity, clock.now)
  const send = (id: string, seq: number): void => {
    // The id sits inside a larger buffer, as in a datagram.
    const buf = Buffer.from(`xx${id}yy`)
    senders.onHeader(buf, 2, 2 + Buffer.byteLength(id), seq >>> 0)
  }
  return { clock, senders, send }
}

function row(senders: SenderSequences, id: string): SenderRow | undefined {
  return senders.rows().find((r) => r.id === id)
}

const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i)

describe('SenderSequences', () => {
  it('counts nothing for datagrams in order, and each one received', () => {
    const { senders, send, clock } = tracker()
    for (const s of range(0, 1000)) send('a', s)
    clock.ms += SETTLE_IDLE_MS
    expect(row(senders, 'a')).toMatchObject({ id: 'a', received: 1000, lost: 0, restarts: 0, last_seen: 1_000_000 })
    expect(senders.lostTotal).toBe(0)
  })

  it('counts every 10th datagram missing as lost: exactly 10 %, once the client went quiet', () => {
    const { senders, send, clock } = tracker()
    // 0, 10, … 990 missing: the first too (a new client's sequence starts at 0), not the last.
    for (const s of range(0, 1000)) if (s % 10 !== 0) send('a', s)
    // Gaps still inside the window (872..999) may yet arrive: not lost until they leave it or the
    // client idles; 0..870 hold 88 of them.
    expect(senders.lostTotal).toBe(88)
    clock.ms += SETTLE_IDLE_MS
    expect(row(senders, 'a')).toMatchObject({ received: 900, lost: 100 })
    expect(senders.lostTotal).toBe(100)
  })

  it('counts a lost first datagram of a new client', () => {
    const { senders, send, clock } = tracker()
    for (const s of range(2, 10)) send('a', s)
    clock.ms += SETTLE_IDLE_MS
    expect(row(senders, 'a')?.lost).toBe(2)
  })

  it('counts nothing for reordering within the window, up to its last slot', () => {
    const { senders, send, clock } = tracker()
    const order: number[] = []
    for (let block = 0; block < 20; block++) order.push(...range(block * 32, 32).reverse())
    for (const s of order) send('a', s)
    // The oldest sequence still in the window arrives last.
    for (const s of range(640, REORDER_WINDOW)) send('b', s)
    send('b', 640 + REORDER_WINDOW + 5)
    for (const s of range(640 + REORDER_WINDOW, 5)) send('b', s)
    clock.ms += SETTLE_IDLE_MS
    expect(row(senders, 'a')).toMatchObject({ received: 640, lost: 0 })
    expect(row(senders, 'b')).toMatchObject({ lost: 0 })
  })

  it('counts a datagram later than the window once, as lost, and not again when it arrives', () => {
    const { senders, send, clock } = tracker()
    send('a', 1000)
    for (const s of range(1002, REORDER_WINDOW)) send('a', s) // 1001 is now exactly a window behind
    expect(senders.lostTotal).toBe(1)
    send('a', 1001)
    clock.ms += SETTLE_IDLE_MS
    expect(row(senders, 'a')).toMatchObject({ lost: 1, restarts: 0 })
  })

  it('counts nothing for duplicates, old or of the highest', () => {
    const { senders, send, clock } = tracker()
    for (const s of range(0, 300)) {
      send('a', s)
      send('a', s)
      if (s > 10) send('a', s - 10)
    }
    clock.ms += SETTLE_IDLE_MS
    expect(row(senders, 'a')).toMatchObject({ lost: 0, restarts: 0 })
  })

  it('follows the sequence across the uint32 wrap', () => {
    const { senders, send, clock } = tracker()
    const start = 0xffffffff - 20
    for (let i = 0; i < 60; i++) if (i !== 25) send('a', start + i)
    clock.ms += SETTLE_IDLE_MS
    expect(row(senders, 'a')).toMatchObject({ received: 59, lost: 1, restarts: 0 })
  })

  it('counts a jump past the window as the sequences skipped', () => {
    const { senders, send, clock } = tracker()
    send('a', 5000)
    send('a', 5000 + 3 * REORDER_WINDOW)
    clock.ms += SETTLE_IDLE_MS
    expect(row(senders, 'a')?.lost).toBe(3 * REORDER_WINDOW - 1)
  })

  it('takes the same id starting again at 0 as a restart, with no loss', () => {
    const { senders, send, clock } = tracker()
    for (const s of range(0, 50)) send('a', s)
    for (const s of range(0, 50)) send('a', s) // a new instance, soon after
    for (const s of range(0, 500)) send('b', s)
    clock.ms += 5
    for (const s of range(0, 10)) send('b', s)
    clock.ms += SETTLE_IDLE_MS
    expect(row(senders, 'a')).toMatchObject({ received: 100, lost: 0, restarts: 1 })
    expect(row(senders, 'b')).toMatchObject({ received: 510, lost: 0, restarts: 1 })
  })

  it('takes a sequence far behind, or a small one after a long silence, as a restart', () => {
    const { senders, send, clock } = tracker()
    for (const s of range(5000, 10)) send('a', s)
    send('a', 5009 - RESTART_BEHIND - 1)
    for (const s of range(0, 60)) send('b', s)
    clock.ms += RESTART_IDLE_MS
    send('b', 3) // its 0..2 were lost on the way
    clock.ms += SETTLE_IDLE_MS
    expect(row(senders, 'a')).toMatchObject({ lost: 0, restarts: 1 })
    expect(row(senders, 'b')).toMatchObject({ lost: 3, restarts: 1 })
  })

  it('keeps at most its capacity, evicting the longest idle client', () => {
    const { senders, send, clock } = tracker(2)
    send('a', 0)
    clock.ms += 10
    send('b', 0)
    clock.ms += 10
    send('a', 1)
    clock.ms += 10
    send('c', 0) // b is the longest idle
    expect(senders.rows().map((r) => r.id)).toEqual(['a', 'c'])
    expect(senders.clients).toBe(2)
    expect(senders.evictedTotal).toBe(1)
    clock.ms += 10
    send('a', 2)
    send('b', 1) // back as a new client: its counts start over
    expect(senders.rows().map((r) => [r.id, r.received])).toEqual([
      ['a', 3],
      ['b', 1],
    ])
    expect(senders.evictedTotal).toBe(2)
  })

  it('hands each changed row once to takeChanges, and lists its families', () => {
    const { senders, send } = tracker()
    send('a', 0)
    send('b', 0)
    expect(senders.takeChanges().map((r) => r.id)).toEqual(['a', 'b'])
    expect(senders.takeChanges()).toEqual([])
    send('b', 1)
    expect(senders.takeChanges().map((r) => r.id)).toEqual(['b'])
    expect(senders.selfMetrics.map((m) => [m.name, m.type, m.read(0)])).toEqual([
      ['taskmeter_protocol_datagrams_lost_total', 'counter', 0],
      ['taskmeter_protocol_clients', 'gauge', 2],
      ['taskmeter_protocol_clients_evicted_total', 'counter', 0],
    ])
  })
})

describe('SenderSequences in an event-loop turn', () => {
  it('reads the clock once for the turn, and per header outside one', () => {
    let reads = 0
    const senders = new SenderSequences(4, () => ++reads * 1000)
    const id = Buffer.from('a')
    senders.beginTurn()
    for (let s = 0; s < 10; s++) senders.onHeader(id, 0, 1, s)
    senders.endTurn()
    expect(reads).toBe(1)
    expect(senders.rows()[0]?.last_seen).toBe(1000)
    senders.onHeader(id, 0, 1, 10)
    expect(senders.rows()[0]?.last_seen).toBeGreaterThan(1000)
  })
})

describe('SenderSequences as a --workers primary', () => {
  it('adds its shards figures into its families and invents no loss of its own', () => {
    const senders = new SenderSequences(1)
    const [lost, clients, evicted] = senders.selfMetrics
    clients?.add?.(0, 2)
    lost?.add?.(0, 7)
    evicted?.add?.(0, 1)
    expect([lost?.read(0), clients?.read(0), evicted?.read(0)]).toEqual([7, 2, 1])
    expect(senders.rows()).toEqual([])
  })
})

describe('DatagramRouter and the headers', () => {
  const numbered = (id: string, sequence: number): Buffer => {
    const encoder = new BatchEncoder(1432, encodeSenderId(id) as Uint8Array)
    encoder.reset(sequence)
    encoder.append(1, encodeName('job') as Uint8Array, 5, 1, null)
    return Buffer.from(encoder.datagram())
  }
  const aggregator = (): Aggregator => new Aggregator({ windowSeconds: 60, precision: 2, maxSeries: 100 })

  it('tracks the senders of numbered datagrams and still applies their events', () => {
    const router = new DatagramRouter(aggregator(), null, { maxClients: 4 })
    for (const seq of [0, 1, 3]) {
      const bytes = numbered('app:1:abcd', seq)
      router.handleDatagram(bytes, bytes.length)
    }
    expect(router.senders.rows()).toMatchObject([{ id: 'app:1:abcd', received: 3 }])
    expect(router.senders.capacity).toBe(4)
    expect(router.stats.eventsByKind[0]).toBe(3)
    expect(router.stats.eventsInvalid.every((n) => n === 0)).toBe(true)
  })

  it('reads the headers without tracking them when told its senders are shared', () => {
    const router = new DatagramRouter(aggregator(), null, { trackSenders: false })
    const bytes = numbered('a', 0)
    router.handleDatagram(bytes, bytes.length)
    expect(router.senders.rows()).toEqual([])
    expect(router.stats.eventsByKind[0]).toBe(1)
  })
})
