// The --workers primary's sender table: each shard tracks the senders its own SO_REUSEPORT socket
// is given (decode/sender-sequences.ts) and ships the rows that changed with every delta; the
// primary keeps each shard's latest row per client id and shows their sum, so /dashboard lists
// every client once. Keyed by shard process rather than index: a replacement shard counts from 0,
// and the figures of the one it replaced stay in the sum. A client instance sends from one socket,
// which the kernel gives one shard: the same id at a second shard is another instance under that
// id (a restarted client), counted as a restart there too. Bounded like a shard's table.
import type { SenderRow } from '../decode/sender-sequences.js'

export class ShardSenders {
  private readonly byId = new Map<string, Map<number, SenderRow>>()
  private readonly maxClients: number

  constructor(maxClients: number) {
    this.maxClients = maxClients
  }

  /** The rows shard process `shard` sent since its last delta. */
  add(shard: number, rows: readonly SenderRow[]): void {
    for (const row of rows) {
      let shards = this.byId.get(row.id)
      if (shards === undefined) {
        if (this.byId.size >= this.maxClients) this.evictOldest()
        shards = new Map()
        this.byId.set(row.id, shards)
      }
      shards.set(shard, row)
    }
  }

  private evictOldest(): void {
    let oldest: string | null = null
    let oldestSeen = Number.POSITIVE_INFINITY
    for (const [id, shards] of this.byId) {
      const seen = lastSeen(shards)
      if (seen < oldestSeen) {
        oldest = id
        oldestSeen = seen
      }
    }
    if (oldest !== null) this.byId.delete(oldest)
  }

  /** Every client, its shards' rows summed (and one restart per shard past the first), by id. */
  rows(): SenderRow[] {
    const out: SenderRow[] = []
    for (const [id, shards] of this.byId) {
      const sum: SenderRow = { id, received: 0, lost: 0, restarts: shards.size - 1, last_seen: 0 }
      for (const row of shards.values()) {
        sum.received += row.received
        sum.lost += row.lost
        sum.restarts += row.restarts
        sum.last_seen = Math.max(sum.last_seen, row.last_seen)
      }
      out.push(sum)
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }
}

function lastSeen(shards: ReadonlyMap<number, SenderRow>): number {
  let seen = 0
  for (const row of shards.values()) seen = Math.max(seen, row.last_seen)
  return seen
}
