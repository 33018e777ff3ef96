// The per-task families, for every encoder (text, protobuf, remote write):
// task_duration_seconds (histogram; native buckets too when configured), task_duration_window_seconds
// (summary), requests_total, requests_per_second, tasks_active, tasks_completed_total, tasks_failed_total.
// A family must hold all its series at once, so the families come one after the other; each task is
// read once, in the first family's pass (its histogram and window, and its counts at that moment, so
// that the families agree with each other however long the render pauses), into typed arrays that
// the families after it write out.
import type { Aggregator } from '../../aggregate/aggregator.js'
import { BucketList } from '../../aggregate/bucket-list.js'
import type { TaskStats } from '../../aggregate/task-stats.js'
import { QUANTILES, TaskFigures } from '../../aggregate/task-figures.js'
import type { FamilySink, SeriesLabels } from './family-sink.js'
import { LabelCache } from './label-cache.js'
import { NativeBuckets, NativeIndexTable, type NativeSettings } from './native-histogram.js'
import type { RenderPause } from './render-pause.js'
import type { SeriesBytesSink } from './series-bytes.js'
import { CHANGED, FAMILY, SAME, type TaskSeriesCache } from './task-series-cache.js'

export const TASK_FAMILY_HELP = {
  task_duration_seconds: 'Task execution duration',
  task_duration_window_seconds: 'Task execution duration over the sliding window (HdrHistogram percentiles)',
  requests_total: 'Total number of requests',
  requests_per_second: 'Current request rate over the sliding window',
  tasks_active: 'Currently active tasks',
  tasks_completed_total: 'Completed tasks',
  tasks_failed_total: 'Failed tasks',
} as const

const US_PER_SECOND = 1e6
const Q = QUANTILES.length
// The cheap families check the pause every this many series rather than every one.
const PAUSE_STRIDE = 256

/** One list of `le` bounds: in seconds, as flat bucket indexes, and the counts read last. */
class LeBounds {
  readonly seconds: readonly number[]
  readonly flats: Float64Array
  readonly cumulative: Float64Array
  /** Tells the lists apart in the series cache's figures (0: the flags'). */
  readonly id: number

  constructor(aggregator: Aggregator, seconds: readonly number[], id: number) {
    this.seconds = seconds
    this.id = id
    this.flats = new Float64Array(seconds.map((s) => aggregator.layout.flatIndexOfValue(s * US_PER_SECOND)))
    this.cumulative = new Float64Array(seconds.length)
  }
}

export class TaskFamilySource {
  private readonly aggregator: Aggregator
  private readonly figures: TaskFigures
  private readonly flagBounds: LeBounds
  // Tasks a mapping rule gave its own `le` bounds: one entry per rule's list, made on first use.
  private readonly ruleBounds = new Map<readonly number[], LeBounds>()
  private readonly list = new BucketList()
  private readonly quantilesUs = new Float64Array(Q)
  private readonly windowUs = new Float64Array(Q)
  private readonly quantileSeconds = new Float64Array(Q)
  private readonly native: NativeSettings | null
  private readonly nativeTable: NativeIndexTable | null
  private readonly nativeBuckets = new NativeBuckets()
  private readonly labels: LabelCache
  // The tasks' figures, by position in the render's task list.
  private windowQuantiles = new Float64Array(1024 * Q)
  private windowCounts = new Float64Array(1024)
  private windowSums = new Float64Array(1024)
  private rates = new Float64Array(1024)
  private success = new Float64Array(1024)
  private errors = new Float64Array(1024)
  private active = new Float64Array(1024)
  private completed = new Float64Array(1024)
  /** The tasks' labels, looked up once a render (the families after the first read them by position). */
  private readonly taskLabels: SeriesLabels[] = []

  constructor(
    aggregator: Aggregator,
    bucketBoundsSeconds: readonly number[],
    native: NativeSettings | null,
    labels: LabelCache = new LabelCache(),
  ) {
    this.aggregator = aggregator
    this.figures = new TaskFigures(aggregator)
    this.flagBounds = new LeBounds(aggregator, bucketBoundsSeconds, 0)
    this.native = native
    this.nativeTable = native === null ? null : new NativeIndexTable(aggregator.layout, US_PER_SECOND)
    this.labels = labels
  }

  private ensureRoom(tasks: number): void {
    if (this.rates.length >= tasks) return
    const room = tasks * 2
    this.windowQuantiles = new Float64Array(room * Q)
    this.windowCounts = new Float64Array(room)
    this.windowSums = new Float64Array(room)
    this.rates = new Float64Array(room)
    this.success = new Float64Array(room)
    this.errors = new Float64Array(room)
    this.active = new Float64Array(room)
    this.completed = new Float64Array(room)
  }

  /** The `le` bounds of `task`: the flags', or its mapping rule's (made on first use). */
  private boundsOf(task: TaskStats): LeBounds {
    const own = task.settings?.bucketsSeconds
    if (own === null || own === undefined) return this.flagBounds
    let bounds = this.ruleBounds.get(own)
    if (bounds === undefined) {
      bounds = new LeBounds(this.aggregator, own, this.ruleBounds.size + 1)
      this.ruleBounds.set(own, bounds)
    }
    return bounds
  }

  /**
   * The task's `le` counts into bounds.cumulative (and native buckets into this.nativeBuckets when
   * on); its window figures and counts into the arrays at `k`.
   */
  private readTask(task: TaskStats, k: number, bounds: LeBounds): void {
    const figures = this.figures
    const wq = this.windowUs
    if (this.native === null || this.nativeTable === null)
      // One scan of the histogram for the `le` counts and the window's live slot.
      figures.readTaskFigures(task, bounds.flats, bounds.cumulative, this.quantilesUs, wq)
    else {
      // Native buckets need the bucket list; the window is read on its own.
      const list = this.list
      list.clear()
      task.histogram.appendBucketsTo(list)
      list.countsAtOrBelow(bounds.flats, bounds.cumulative)
      this.nativeBuckets.load(list, this.nativeTable, this.native)
      figures.readWindowQuantiles(task, wq)
    }
    this.keepWindow(k)
    this.success[k] = task.success
    this.errors[k] = task.errors
    this.completed[k] = task.completed
  }

  /** The window figures read last (this.windowUs, the figures' totals) into the arrays at `k`. */
  private keepWindow(k: number): void {
    const totals = this.figures.totals
    const wq = this.windowUs
    const at = k * Q
    for (let i = 0; i < Q; i++)
      this.windowQuantiles[at + i] = totals.requests > 0 ? (wq[i] ?? 0) / US_PER_SECOND : Number.NaN
    this.windowCounts[k] = totals.requests
    this.windowSums[k] = totals.sumMs / 1000
    this.rates[k] = this.figures.windowRate()
  }

  /**
   * The tasks are listed first: a series added or evicted during a pause changes no family half-way.
   * With `cache` (whose sink is `sink`), a task whose figures did not change since the cache's
   * last render is not read: its series are copied from that render's body.
   */
  async emit(sink: FamilySink, pause: RenderPause, cache: TaskSeriesCache | null = null): Promise<void> {
    this.aggregator.refreshActive()
    const tasks = [...this.aggregator.tasks.values()]
    const n = tasks.length
    this.ensureRoom(n)
    const labels = this.taskLabels
    labels.length = 0
    const native = this.native === null ? null : this.nativeBuckets
    cache?.begin(sink as SeriesBytesSink, tasks)
    const totals = this.figures.totals

    sink.family('task_duration_seconds', TASK_FAMILY_HELP.task_duration_seconds, 'histogram')
    cache?.startFamily(FAMILY.duration)
    for (let k = 0; k < n; k++) {
      if (pause.due()) await pause.resume()
      const task = tasks[k] as TaskStats
      labels[k] = this.labels.ofTask(task)
      this.active[k] = task.active
      const bounds = this.boundsOf(task)
      if (cache !== null) {
        // The clock at this task, as a fresh read would see it (the render may pause between tasks).
        task.window.totals(this.aggregator.now(), totals)
        const found = cache.look(task, k, totals, bounds.id)
        if (found !== CHANGED) {
          // Only a slot expired (WINDOW_ONLY): the window is read again, the histogram is not.
          if (found === SAME) this.rates[k] = this.figures.windowRate()
          else {
            this.figures.readWindowQuantiles(task, this.windowUs)
            this.keepWindow(k)
            cache.settle(k, totals)
          }
          cache.copy(k)
          continue
        }
        cache.fresh(k)
      }
      this.readTask(task, k, bounds)
      cache?.settle(k, totals)
      const count = task.histogram.totalCount
      // A store whose slots follow other bounds (a reload changed them; it is remade on the next exemplar) is left out.
      const held = task.exemplars
      const exemplars = held !== null && held.slots === bounds.seconds.length + 1 ? held : null
      const sum = task.sumMs / 1000
      sink.histogram(labels[k] as SeriesLabels, count, sum, bounds.seconds, bounds.cumulative, native, exemplars)
    }
    cache?.endFamily(n)

    sink.family('task_duration_window_seconds', TASK_FAMILY_HELP.task_duration_window_seconds, 'summary')
    cache?.startFamily(FAMILY.window)
    const seconds = this.quantileSeconds
    for (let k = 0; k < n; k++) {
      if (pause.due()) await pause.resume()
      if (cache !== null && this.copied(cache, FAMILY.window, k)) continue
      for (let i = 0; i < Q; i++) seconds[i] = this.windowQuantiles[k * Q + i] ?? 0
      const count = this.windowCounts[k] ?? 0
      sink.summary(labels[k] as SeriesLabels, count, this.windowSums[k] ?? 0, QUANTILES, seconds)
    }
    cache?.endFamily(n)

    sink.family('requests_total', TASK_FAMILY_HELP.requests_total, 'counter')
    cache?.startFamily(FAMILY.requests)
    for (let k = 0; k < n; k++) {
      if (k % PAUSE_STRIDE === 0 && pause.due()) await pause.resume()
      if (cache !== null && this.copied(cache, FAMILY.requests, k)) continue
      sink.value(labels[k] as SeriesLabels, 'status', 'success', this.success[k] ?? 0)
      sink.value(labels[k] as SeriesLabels, 'status', 'error', this.errors[k] ?? 0)
    }
    cache?.endFamily(n)
    await this.plain(sink, 'requests_per_second', 'gauge', n, pause, this.rates, cache, FAMILY.rate)
    await this.plain(sink, 'tasks_active', 'gauge', n, pause, this.active, cache, FAMILY.active)
    await this.plain(sink, 'tasks_completed_total', 'counter', n, pause, this.completed, cache, FAMILY.completed)
    await this.plain(sink, 'tasks_failed_total', 'counter', n, pause, this.errors, cache, FAMILY.failed)
    // An evicted task's labels go with it, not at the next render.
    labels.length = 0
  }

  /** Copies task k's series of `family` when they did not change; otherwise notes they are encoded. */
  private copied(cache: TaskSeriesCache, family: number, k: number): boolean {
    if (cache.unchanged(family, k)) {
      cache.copy(k)
      return true
    }
    cache.fresh(k)
    return false
  }

  /** A family of one plain number per task, from `values` by position. */
  private async plain(
    sink: FamilySink,
    name: 'requests_per_second' | 'tasks_active' | 'tasks_completed_total' | 'tasks_failed_total',
    type: 'gauge' | 'counter',
    n: number,
    pause: RenderPause,
    values: Float64Array,
    cache: TaskSeriesCache | null,
    family: number,
  ): Promise<void> {
    sink.family(name, TASK_FAMILY_HELP[name], type)
    cache?.startFamily(family)
    const labels = this.taskLabels
    for (let k = 0; k < n; k++) {
      if (k % PAUSE_STRIDE === 0 && pause.due()) await pause.resume()
      if (cache !== null && this.copied(cache, family, k)) continue
      sink.value(labels[k] as SeriesLabels, null, null, values[k] ?? 0)
    }
    cache?.endFamily(n)
  }
}
