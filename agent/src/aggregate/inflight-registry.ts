// Per-client in-flight reports (protocol v1 type 9): the latest count per (client, task), kept
// while the client is heard from. A client's entries expire when nothing arrived from it for
// 3 × the flush interval it states, so a dead client stops counting within three intervals while a
// minutes-long task stays active for minutes (SPEC.md §3.1).
import type { DeltaSink, DeltaSource } from './delta-bytes.js'
import { type TaskKey, TaskStats } from './task-stats.js'

const EXPIRY_INTERVALS = 3

export class InflightEntry {
  count: number
  sequence: number
  constructor(count: number, sequence: number) {
    this.count = count
    this.sequence = sequence
  }
}

export class ClientReport {
  readonly clientId: string
  lastSeenMs: number
  flushIntervalMs: number
  sequence: number
  readonly entries: Map<TaskStats, InflightEntry>

  constructor(clientId: string, nowMs: number) {
    this.clientId = clientId
    this.lastSeenMs = nowMs
    this.flushIntervalMs = 0
    this.sequence = 0
    this.entries = new Map()
  }
}

/** True when sequence a is newer than b, with wrap-around at 2^32. */
function isNewer(a: number, b: number): boolean {
  const diff = (a - b + 0x100000000) % 0x100000000
  return diff !== 0 && diff < 0x80000000
}

export class InflightRegistry {
  private readonly clients = new Map<string, ClientReport>()
  readonly maxClients: number
  private readonly keepZeros: boolean
  clientsDropped: number

  constructor(maxClients: number, keepZeros = false) {
    this.maxClients = maxClients
    this.keepZeros = keepZeros
    this.clientsDropped = 0
  }

  get clientCount(): number {
    return this.clients.size
  }

  /** Starts applying one report; null when the client cap is reached (counted). */
  begin(clientId: string, sequence: number, flushIntervalMs: number, nowMs: number): ClientReport | null {
    let client = this.clients.get(clientId)
    if (client === undefined) {
      if (this.clients.size >= this.maxClients) {
        this.expire(nowMs)
        if (this.clients.size >= this.maxClients) {
          this.clientsDropped++
          return null
        }
      }
      client = new ClientReport(clientId, nowMs)
      this.clients.set(clientId, client)
    }
    client.lastSeenMs = nowMs
    client.flushIntervalMs = flushIntervalMs
    client.sequence = sequence
    return client
  }

  /** One (task, count) of the report begun last; stale (older sequence) entries are ignored. */
  entry(client: ClientReport, task: TaskStats, count: number): void {
    this.setEntry(client, task, count, client.sequence, this.keepZeros)
  }

  // With keepZeros (a --workers shard, and every merge into the primary) a zero stays as an entry:
  // another worker may hold an older, non-zero count for the same (client, task), and the merge
  // needs the newer zero to win.
  private setEntry(client: ClientReport, task: TaskStats, count: number, sequence: number, keepZeros: boolean): void {
    const existing = client.entries.get(task)
    if (existing === undefined) {
      if (count > 0 || keepZeros) client.entries.set(task, new InflightEntry(count, sequence))
      return
    }
    if (!isNewer(sequence, existing.sequence) && sequence !== existing.sequence) return
    if (count === 0 && !keepZeros) client.entries.delete(task)
    else {
      existing.count = count
      existing.sequence = sequence
    }
  }

  /**
   * A --workers shard: writes every live client whole (reports are state, not counts), zero
   * entries included (keepZeros), each entry naming its task by key.
   */
  writeDelta(sink: DeltaSink, nowMs: number): void {
    this.expire(nowMs)
    sink.u32(this.clients.size)
    for (const client of this.clients.values()) {
      sink.str(client.clientId)
      sink.f64(client.lastSeenMs)
      sink.f64(client.flushIntervalMs)
      sink.f64(client.sequence)
      sink.u32(client.entries.size)
      for (const [task, entry] of client.entries) {
        task.writeKey(sink)
        sink.f64(entry.count)
        sink.f64(entry.sequence)
      }
    }
  }

  /**
   * The primary: merges a delta from writeDelta(), as if every report had reached one agent: the
   * latest sighting wins for liveness, and per (client, task) the entry with the newest sequence.
   * `task` finds or creates the task of a key (null: refused, the entry is read past).
   */
  applyDelta(source: DeltaSource, task: (key: TaskKey) => TaskStats | null): void {
    const clients = source.u32()
    for (let c = 0; c < clients; c++) {
      const client = this.mergeClient(source.str(), source.f64(), source.f64(), source.f64())
      const entries = source.u32()
      for (let e = 0; e < entries; e++) {
        const stats = task(TaskStats.readKey(source))
        const count = source.f64()
        const sequence = source.f64()
        // A zero is kept here too: another shard's older count for the same (client, task) may
        // come after it in this round, and the newer zero must win over it.
        if (client !== null && stats !== null) this.setEntry(client, stats, count, sequence, true)
      }
    }
  }

  private mergeClient(
    clientId: string,
    lastSeenMs: number,
    flushIntervalMs: number,
    sequence: number,
  ): ClientReport | null {
    let client = this.clients.get(clientId)
    if (client === undefined) {
      if (this.clients.size >= this.maxClients) {
        this.clientsDropped++
        return null
      }
      client = new ClientReport(clientId, lastSeenMs)
      client.flushIntervalMs = flushIntervalMs
      client.sequence = sequence
      this.clients.set(clientId, client)
    }
    if (lastSeenMs > client.lastSeenMs) client.lastSeenMs = lastSeenMs
    if (isNewer(sequence, client.sequence)) {
      client.sequence = sequence
      client.flushIntervalMs = flushIntervalMs
    }
    return client
  }

  /** Drops clients not heard from for 3 × their interval. */
  expire(nowMs: number): void {
    for (const [clientId, client] of this.clients) {
      if (nowMs - client.lastSeenMs > EXPIRY_INTERVALS * client.flushIntervalMs) this.clients.delete(clientId)
    }
  }

  /** Sets task.reportedActive from the live clients' entries (tasks must start at 0). */
  applyTo(nowMs: number): void {
    this.expire(nowMs)
    for (const client of this.clients.values()) {
      for (const [task, entry] of client.entries) task.reportedActive += entry.count
    }
  }

  forgetTask(task: TaskStats): void {
    for (const client of this.clients.values()) client.entries.delete(task)
  }
}
