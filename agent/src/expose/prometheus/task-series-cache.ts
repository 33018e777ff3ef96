// The per-task series of the previous render, as byte ranges of its body, so that a scrape encodes
// only the tasks whose figures changed and copies the others (runs of neighbouring tasks in one
// copy). A task's output is a function of what its public fields and window totals say:
// - the histogram family, requests_total, tasks_completed_total and tasks_failed_total change only
//   with events (histogram count and sum, success, errors);
// - the window family changes with events too, and when a window slot holding data expires (the
//   window's request count and sum drop): then only the window is read again;
// - tasks_active changes with starts, ends and in-flight reports (task.active);
// - requests_per_second moves with the clock whenever the window holds requests, so it is copied
//   only while the window is empty (it is 0 then).
// The cache holds one body and, per task, its figures and where its series lie (~250 bytes over
// the two generations). The state is rebuilt from the task list at every render, so an evicted
// task's entry and bytes go at the next render; the arrays keep the room of the largest task list
// seen (+25 %).
import type { TaskStats } from '../../aggregate/task-stats.js'
import type { WindowTotals } from '../../aggregate/sliding-window.js'
import type { SeriesBytesSink } from './series-bytes.js'

/** The task families, numbered in render order (task-family-source.ts). */
export const FAMILY = {
  duration: 0,
  window: 1,
  requests: 2,
  rate: 3,
  active: 4,
  completed: 5,
  failed: 6,
} as const
const FAMILIES = 7

// A task's figures, SIGNATURE numbers per task: the first SAME_COUNTS decide the families of its
// counts and histogram, those and the window's two the window family.
const COUNT = 0
const SUM = 1
const SUCCESS = 2
const ERRORS = 3
const BOUNDS = 4
const SAME_COUNTS = 5
const WINDOW_REQUESTS = 5
const WINDOW_SUM = 6
const ACTIVE = 7
const SIGNATURE = 8

/** What look() found of a task: nothing changed, only its window (a slot with data expired), or more. */
export const SAME = 0
export const WINDOW_ONLY = 1
export const CHANGED = 2

/** Array room for n tasks and a quarter more, so that a few new tasks do not reallocate every render. */
function roomFor(n: number): number {
  return Math.max(1024, Math.ceil(n * 1.25))
}

/** One render's state: the task list, the figures read and the series' offsets within each family. */
class Generation {
  tasks: TaskStats[] = []
  figures = new Float64Array(0)
  /** Per family: each task's first byte relative to the family's first series; n + 1 entries. */
  offsets: Int32Array[] = []
  /** Per family: where its first series lies in `body`. */
  readonly familyStarts = new Float64Array(FAMILIES)
  readonly familyIndexes = new Int32Array(FAMILIES)
  body: Buffer | null = null

  room(n: number): void {
    if (this.figures.length >= n * SIGNATURE && (this.offsets[0]?.length ?? 0) > n) return
    const size = roomFor(n)
    this.figures = new Float64Array(size * SIGNATURE)
    this.offsets = []
    for (let f = 0; f < FAMILIES; f++) this.offsets.push(new Int32Array(size + 1))
  }

  bytes(): number {
    let bytes = this.figures.byteLength + this.tasks.length * 8 + (this.body?.length ?? 0)
    for (const offsets of this.offsets) bytes += offsets.byteLength
    return bytes
  }
}

export class TaskSeriesCache {
  private previous = new Generation()
  private next = new Generation()
  private sink: SeriesBytesSink | null = null
  /** Per task of this render: its index in the previous one (-1: new), and which figures held. */
  private previousIndex = new Int32Array(1024)
  private sameCounts = new Uint8Array(1024)
  private sameWindow = new Uint8Array(1024)
  private sameActive = new Uint8Array(1024)
  private sameRate = new Uint8Array(1024)
  /** Previous task → index, made when the task lists stop lining up (tasks added or evicted). */
  private lookup: Map<TaskStats, number> | null = null
  private expected = 0
  // The family being written: which one, and the run of previous bytes not yet copied.
  private family = 0
  private runStart = 0
  private runEnd = 0
  /** Tasks of the last committed render: how many were copied whole (but a moving rate), and how many but their window. */
  tasks = 0
  reused = 0
  windowReused = 0
  private reusing = 0
  private windowOnly = 0

  /** Starts a render of `tasks` into `sink`. */
  begin(sink: SeriesBytesSink, tasks: TaskStats[]): void {
    this.sink = sink
    this.next.room(tasks.length)
    this.next.tasks = tasks
    if (this.previousIndex.length < tasks.length) {
      const size = roomFor(tasks.length)
      this.previousIndex = new Int32Array(size)
      this.sameCounts = new Uint8Array(size)
      this.sameWindow = new Uint8Array(size)
      this.sameActive = new Uint8Array(size)
      this.sameRate = new Uint8Array(size)
    }
    this.lookup = null
    this.expected = 0
    this.reusing = 0
    this.windowOnly = 0
  }

  private indexOf(task: TaskStats): number {
    const previous = this.previous.tasks
    if (this.lookup === null) {
      if (previous[this.expected] === task) return this.expected++
      this.lookup = new Map()
      for (let j = 0; j < previous.length; j++) this.lookup.set(previous[j] as TaskStats, j)
    }
    return this.lookup.get(task) ?? -1
  }

  /**
   * Task k's figures now (`totals`: its window totals read just before), noted for the next
   * render; returns which of its series can be copied from the previous body (SAME: all but a
   * moving rate; WINDOW_ONLY: all but the window family and the rate; CHANGED: tasks_active at most).
   */
  look(task: TaskStats, k: number, totals: WindowTotals, boundsId: number): number {
    const at = k * SIGNATURE
    const figures = this.next.figures
    figures[at + COUNT] = task.histogram.totalCount
    figures[at + SUM] = task.sumMs
    figures[at + SUCCESS] = task.success
    figures[at + ERRORS] = task.errors
    figures[at + WINDOW_REQUESTS] = totals.requests
    figures[at + WINDOW_SUM] = totals.sumMs
    figures[at + BOUNDS] = boundsId
    figures[at + ACTIVE] = task.active
    const j = this.previous.body === null ? -1 : this.indexOf(task)
    this.previousIndex[k] = j
    let counts = j >= 0
    const before = this.previous.figures
    const was = j * SIGNATURE
    for (let i = 0; counts && i < SAME_COUNTS; i++) counts = before[was + i] === figures[at + i]
    const window =
      counts &&
      before[was + WINDOW_REQUESTS] === figures[at + WINDOW_REQUESTS] &&
      before[was + WINDOW_SUM] === figures[at + WINDOW_SUM]
    this.sameCounts[k] = counts ? 1 : 0
    this.sameWindow[k] = window ? 1 : 0
    if (window) this.reusing++
    else if (counts) this.windowOnly++
    this.sameActive[k] = j >= 0 && before[was + ACTIVE] === figures[at + ACTIVE] ? 1 : 0
    // Expiry can only lower the count before settle(), so an empty window stays empty.
    this.sameRate[k] = j >= 0 && before[was + WINDOW_REQUESTS] === 0 && totals.requests === 0 ? 1 : 0
    return window ? SAME : counts ? WINDOW_ONLY : CHANGED
  }

  /** The window totals a fresh read of task k found (a slot may have expired since look()). */
  settle(k: number, totals: WindowTotals): void {
    const at = k * SIGNATURE
    this.next.figures[at + WINDOW_REQUESTS] = totals.requests
    this.next.figures[at + WINDOW_SUM] = totals.sumMs
  }

  /** Whether task k's series of cached family `family` are the previous render's. */
  unchanged(family: number, k: number): boolean {
    let same = this.sameCounts
    if (family === FAMILY.window) same = this.sameWindow
    else if (family === FAMILY.active) same = this.sameActive
    else if (family === FAMILY.rate) same = this.sameRate
    return same[k] === 1
  }

  /** The sink started cached family `family` (the one before it was ended with endFamily()). */
  startFamily(family: number): void {
    const sink = this.sink as SeriesBytesSink
    this.family = family
    this.next.familyIndexes[family] = sink.familyCount - 1
    this.runStart = 0
    this.runEnd = 0
  }

  /** Task k's series are about to be encoded afresh. */
  fresh(k: number): void {
    this.flush()
    ;(this.next.offsets[this.family] as Int32Array)[k] = (this.sink as SeriesBytesSink).seriesOffset()
  }

  /** Task k's series are the previous render's: joined to the run of bytes to copy. */
  copy(k: number): void {
    const previous = this.previous
    const j = this.previousIndex[k] ?? 0
    const offsets = previous.offsets[this.family] as Int32Array
    const base = previous.familyStarts[this.family] ?? 0
    const start = base + (offsets[j] ?? 0)
    const end = base + (offsets[j + 1] ?? 0)
    if (this.runEnd === this.runStart || start !== this.runEnd) {
      this.flush()
      this.runStart = start
    }
    this.runEnd = end
    const written = (this.sink as SeriesBytesSink).seriesOffset()
    ;(this.next.offsets[this.family] as Int32Array)[k] = written + (this.runEnd - this.runStart) - (end - start)
  }

  private flush(): void {
    if (this.runEnd > this.runStart)
      (this.sink as SeriesBytesSink).copySeries(this.previous.body as Buffer, this.runStart, this.runEnd)
    this.runStart = 0
    this.runEnd = 0
  }

  /** Ends the family's series (before the sink starts another family): where a task n would start is their end. */
  endFamily(n: number): void {
    this.fresh(n)
  }

  /** The render's `body` is finished: its series are what the next render copies from. */
  commit(body: Buffer): void {
    const sink = this.sink
    if (sink === null) return
    const next = this.next
    for (let f = 0; f < FAMILIES; f++) next.familyStarts[f] = sink.familyStart(next.familyIndexes[f] ?? 0)
    next.body = body
    this.tasks = next.tasks.length
    this.reused = this.reusing
    this.windowReused = this.windowOnly
    this.next = this.previous
    this.previous = next
    this.next.body = null
    this.next.tasks = []
    this.sink = null
  }

  /** Drops the previous body: the next render encodes every task (its sink writes another format now). */
  forget(): void {
    this.previous.body = null
    this.previous.tasks = []
  }

  /** Bytes held for the next render: the previous body, its tasks' figures and offsets. */
  bytes(): number {
    const perTask = this.previousIndex.byteLength + this.sameCounts.byteLength * 4
    return this.previous.bytes() + this.next.bytes() + perTask
  }
}
