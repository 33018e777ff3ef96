// Per-client in-flight reports (protocol v1 type 9): the latest count per (client, task), kept
// while the client is heard from. A client's entries expire when nothing arrived from it for
// 3 × the flush interval it states, so a dead client stops counting within three intervals while a
// minutes-long task stays active for minutes (SPEC.md §3.1).
import type { TaskStats } from './task-stats.js'

const EXPIRY_INTERVALS = 3

class InflightEntry {
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
  clientsDropped: number

  constructor(maxClients: number) {
    this.maxClients = maxClients
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
    const existing = client.entries.get(task)
    if (existing === undefined) {
      if (count > 0) client.entries.set(task, new InflightEntry(count, client.sequence))
      return
    }
    if (!isNewer(client.sequence, existing.sequence) && client.sequence !== existing.sequence) return
    if (count === 0) client.entries.delete(task)
    else {
      existing.count = count
      existing.sequence = client.sequence
    }
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
