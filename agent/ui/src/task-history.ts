// The page's memory of the polls: for each task, a ring of the last `capacity` samples (time,
// window percentiles, req/s, active, error rate), turned into uPlot's column arrays on demand.
// Bounded: at most `maxTasks` tasks keep a history (the selected one always does), so a sidecar
// with thousands of tasks does not grow the tab's memory without limit.
import type { DashboardSnapshot, TaskSnapshot } from './dashboard-types.js'

/** Columns: time (s), p50, p95, p99, p99.9 (ms), req/s, active, error rate (0..1). */
export const COLUMNS = 8

export type Columns = [number[], ...(number | null)[][]]

class TaskRing {
  readonly values: Float64Array
  readonly capacity: number
  start = 0
  length = 0
  lastSeenSeconds = 0

  constructor(capacity: number) {
    this.capacity = capacity
    this.values = new Float64Array(capacity * COLUMNS)
  }

  push(row: readonly number[]): void {
    const slot = (this.start + this.length) % this.capacity
    if (this.length < this.capacity) this.length++
    else this.start = (this.start + 1) % this.capacity
    this.values.set(row, slot * COLUMNS)
  }
}

/** One sample of a task; NaN marks "no requests in the window" (drawn as a gap). */
export function sampleOf(timeSeconds: number, task: TaskSnapshot): number[] {
  const w = task.window
  const idle = w.requests === 0
  const l = w.latency_ms
  return [
    timeSeconds,
    idle ? NaN : l.p50,
    idle ? NaN : l.p95,
    idle ? NaN : l.p99,
    idle ? NaN : l.p999,
    w.rps,
    task.active,
    idle ? NaN : w.error_rate,
  ]
}

export class TaskHistory {
  private readonly rings = new Map<string, TaskRing>()
  private readonly capacity: number
  private readonly maxTasks: number

  constructor(capacity = 300, maxTasks = 200) {
    this.capacity = capacity
    this.maxTasks = maxTasks
  }

  /** Records one poll. `keep` (the selected task) always gets a ring. */
  record(timeSeconds: number, snapshot: DashboardSnapshot, keep: string | null): void {
    for (const [id, task] of Object.entries(snapshot.tasks)) {
      let ring = this.rings.get(id)
      if (ring === undefined) {
        if (this.rings.size >= this.maxTasks && id !== keep && !this.evictOldest(keep)) continue
        ring = new TaskRing(this.capacity)
        this.rings.set(id, ring)
      }
      ring.lastSeenSeconds = timeSeconds
      ring.push(sampleOf(timeSeconds, task))
    }
  }

  /** Drops the task seen longest ago (never `keep`); false when none can go. */
  private evictOldest(keep: string | null): boolean {
    let oldest: string | null = null
    let oldestSeen = Infinity
    for (const [id, ring] of this.rings) {
      if (id !== keep && ring.lastSeenSeconds < oldestSeen) {
        oldest = id
        oldestSeen = ring.lastSeenSeconds
      }
    }
    if (oldest === null) return false
    this.rings.delete(oldest)
    return true
  }

  has(id: string): boolean {
    return this.rings.has(id)
  }

  get taskCount(): number {
    return this.rings.size
  }

  /** uPlot data for a task: [times, col1, …]; null where a value is missing. Empty when unknown. */
  columns(id: string, columnIndexes: readonly number[]): Columns {
    const ring = this.rings.get(id)
    const times: number[] = []
    const out: Columns = [times, ...columnIndexes.map(() => [] as (number | null)[])]
    if (ring === undefined) return out
    for (let i = 0; i < ring.length; i++) {
      const base = ((ring.start + i) % ring.capacity) * COLUMNS
      times.push(ring.values[base] ?? 0)
      for (let c = 0; c < columnIndexes.length; c++) {
        const v = ring.values[base + (columnIndexes[c] ?? 0)]
        ;(out[c + 1] as (number | null)[]).push(v === undefined || Number.isNaN(v) ? null : v)
      }
    }
    return out
  }
}
