// The primary's sender table: shards' rows summed per client id, a replacement shard's rows beside
// those of the one it replaced, and the cap.
import { describe, expect, it } from 'vitest'
import type { SenderRow } from '../decode/sender-sequences.js'
import { ShardSenders } from './shard-senders.js'

const row = (id: string, received: number, lost: number, last_seen: number, restarts = 0): SenderRow => ({
  id,
  received,
  lost,
  restarts,
  last_seen,
})

describe('ShardSenders', () => {
  it('keeps the latest row of each shard process and sums them per client', () => {
    const senders = new ShardSenders(10)
    senders.add(0, [row('a', 10, 1, 100), row('b', 5, 0, 90)])
    senders.add(1, [row('c', 7, 0, 95)])
    senders.add(0, [row('a', 20, 2, 200)]) // shard 0's later figures for a replace its earlier ones
    // Another shard process sees a too: another instance under that id, a restart more.
    senders.add(2, [row('a', 3, 1, 250, 1)])
    expect(senders.rows()).toEqual([row('a', 23, 3, 250, 2), row('b', 5, 0, 90), row('c', 7, 0, 95)])
  })

  it('holds at most maxClients ids, dropping the one seen longest ago', () => {
    const senders = new ShardSenders(2)
    senders.add(0, [row('a', 1, 0, 300), row('b', 1, 0, 100)])
    senders.add(1, [row('c', 1, 0, 200)])
    expect(senders.rows().map((r) => r.id)).toEqual(['a', 'c'])
  })
})
