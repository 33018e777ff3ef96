// The page's memory of the polls: for each task, a ring of the last `capacity` samples (time,
// window percentiles, req/s, active, error rate, mean in flight), turned into uPlot's column
// arrays on demand. A task's ring may be seeded once with samples from before the page opened
// (window-history.ts). Bounded: at most `maxTasks` tasks keep a history (the selected one always
// does), so a sidecar with thousands of tasks does not grow the tab's memory without limit.
import type { DashboardSnapshot, TaskSnapshot } from './dashboard-types.js'

/**
 * Columns: time (s), p50, p95, p99, p99.9 (ms), req/s, active, error rate (0..1), mean in flight
 * (req/s × mean latency: Little's law, which the agent's window slots also give, unlike active).
 */
export const COLUMNS = 9

export type Columns = [number[], ...(number | null)[][]]

class TaskRing {
  readonly values: Float64Array
  readonly capacity: number
  start = 0
  length = 0
  lastSeenSeconds = 0
  /** Seeded with the agent's history already (or tried to): seed() runs once per ring. */
  seeded = false

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

  rows(): number[][] {
    const out: number[][] = []
    for (let i = 0; i < this.length; i++) {
      const base = ((this.start + i) % this.capacity) * COLUMNS
      out.push(Array.from(this.values.subarray(base, base + COLUMNS)))
    }
    return out
  }
}

/** What a sample is made of: a poll's window figures, or one slot's (window-history.ts). */
export type SampleFigures = Pick<TaskSnapshot['window'], 'requests' | 'rps' | 'error_rate' | 'latency_ms'>

/** One sample; NaN marks "no requests" (drawn as a gap), and an active count not known. */
export function sampleOfFigures(timeSeconds: number, figures: SampleFigures, active: number): number[] {
  const idle = figures.requests === 0
  const l = figures.latency_ms
  return [
    timeSeconds,
    idle ? NaN : l.p50,
    idle ? NaN : l.p95,
    idle ? NaN : l.p99,
    idle ? NaN : l.p999,
    figures.rps,
    active,
    idle ? NaN : figures.error_rate,
    (figures.rps * l.mean) / 1000,
  ]
}

/** One poll's sample of a task: its window figures. */
export function sampleOf(timeSeconds: number, task: TaskSnapshot): number[] {
  return sampleOfFigures(timeSeconds, task.window, task.active)
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
      const ring = this.ringOf(id, keep)
      if (ring === null) continue
      ring.lastSeenSeconds = timeSeconds
      ring.push(sampleOf(timeSeconds, task))
    }
  }

  private ringOf(id: string, keep: string | null): TaskRing | null {
    let ring = this.rings.get(id)
    if (ring === undefined) {
      if (this.rings.size >= this.maxTasks && id !== keep && !this.evictOldest(keep)) return null
      ring = new TaskRing(this.capacity)
      this.rings.set(id, ring)
    }
    return ring
  }

  /** False until seed() ran for the task (its ring may have been evicted since: then false again). */
  isSeeded(id: string): boolean {
    return this.rings.get(id)?.seeded === true
  }

  /**
   * Puts samples from before the page opened (oldest first) in front of a task's polls: only those
   * older than its first poll, and past `capacity` the oldest go. Once per ring; `samples` may be
   * empty (no history to be had), which still counts as seeded.
   */
  seed(id: string, samples: readonly (readonly number[])[]): void {
    const ring = this.ringOf(id, id)
    if (ring === null || ring.seeded) return
    ring.seeded = true
    const polls = ring.rows()
    const firstPoll = polls[0]?.[0] ?? Infinity
    ring.start = 0
    ring.length = 0
    for (const sample of samples) if ((sample[0] ?? Infinity) < firstPoll) ring.push(sample)
    for (const poll of polls) ring.push(poll)
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
