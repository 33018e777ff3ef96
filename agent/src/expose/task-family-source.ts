// The per-task families (task-families.ts) for the protobuf and remote-write encoders, with the values of
// task-families.ts (the text renderer) and, for task_duration_seconds, native buckets derived from
// the same HDR bucket list as the classic `le` counts. A protobuf family must hold all its series
// at once, so this walks the tasks once per family; the window is read once, for two families.
import type { Aggregator } from '../aggregate/aggregator.js'
import { BucketList } from '../aggregate/bucket-list.js'
import type { TaskStats } from '../aggregate/task-stats.js'
import { QUANTILES, TaskFigures } from '../aggregate/task-figures.js'
import { type FamilySink, SeriesLabels } from './family-sink.js'
import { NativeBuckets, NativeIndexTable, type NativeSettings } from './native-histogram.js'
import type { RenderPause } from './render-pause.js'
import { TASK_FAMILY_HELP } from './task-families.js'

const US_PER_SECOND = 1e6

function taskLabels(task: TaskStats): SeriesLabels {
  const names = ['task']
  const values = [task.name]
  for (let i = 0; i < task.labels.length; i++) {
    const pair = task.labels[i] as readonly [string, string]
    names.push(pair[0])
    values.push(pair[1])
  }
  return new SeriesLabels(names, values)
}

export class TaskFamilySource {
  private readonly aggregator: Aggregator
  private readonly figures: TaskFigures
  private readonly bounds: readonly number[]
  private readonly boundFlats: Float64Array
  private readonly cumulative: Float64Array
  private readonly list = new BucketList()
  private readonly quantilesUs = new Float64Array(QUANTILES.length)
  private readonly quantileSeconds = new Float64Array(QUANTILES.length)
  private readonly native: NativeSettings | null
  private readonly nativeTable: NativeIndexTable
  private readonly nativeBuckets = new NativeBuckets()
  private readonly labels = new WeakMap<TaskStats, SeriesLabels>()
  private rates = new Float64Array(1024)

  constructor(aggregator: Aggregator, bucketBoundsSeconds: readonly number[], native: NativeSettings | null) {
    this.aggregator = aggregator
    this.figures = new TaskFigures(aggregator)
    this.bounds = bucketBoundsSeconds
    this.boundFlats = new Float64Array(
      bucketBoundsSeconds.map((s) => aggregator.layout.flatIndexOfValue(s * US_PER_SECOND)),
    )
    this.cumulative = new Float64Array(bucketBoundsSeconds.length)
    this.native = native
    this.nativeTable = new NativeIndexTable(aggregator.layout, US_PER_SECOND)
  }

  private labelsOf(task: TaskStats): SeriesLabels {
    let labels = this.labels.get(task)
    if (labels === undefined) {
      labels = taskLabels(task)
      this.labels.set(task, labels)
    }
    return labels
  }

  /** The tasks are listed first: a series added or evicted during a pause changes no family half-way. */
  async emit(sink: FamilySink, pause: RenderPause): Promise<void> {
    this.aggregator.refreshActive()
    const tasks = [...this.aggregator.tasks.values()]
    if (this.rates.length < tasks.length) this.rates = new Float64Array(tasks.length * 2)

    sink.family('task_duration_seconds', TASK_FAMILY_HELP.task_duration_seconds, 'histogram')
    for (const task of tasks) {
      if (pause.due()) await pause.resume()
      const list = this.list
      list.clear()
      task.histogram.appendBucketsTo(list)
      list.countsAtOrBelow(this.boundFlats, this.cumulative)
      const native = this.native === null ? null : this.nativeBuckets
      if (native !== null && this.native !== null) native.load(list, this.nativeTable, this.native)
      sink.histogram(
        this.labelsOf(task),
        task.histogram.totalCount,
        task.sumMs / 1000,
        this.bounds,
        this.cumulative,
        native,
      )
    }

    sink.family('task_duration_window_seconds', TASK_FAMILY_HELP.task_duration_window_seconds, 'summary')
    let k = 0
    for (const task of tasks) {
      if (pause.due()) await pause.resume()
      this.figures.readWindowQuantiles(task, this.quantilesUs)
      const totals = this.figures.totals
      for (let i = 0; i < QUANTILES.length; i++)
        this.quantileSeconds[i] = totals.requests > 0 ? (this.quantilesUs[i] ?? 0) / US_PER_SECOND : NaN
      sink.summary(this.labelsOf(task), totals.requests, totals.sumMs / 1000, QUANTILES, this.quantileSeconds)
      this.rates[k++] = this.figures.windowRate()
    }

    sink.family('requests_total', TASK_FAMILY_HELP.requests_total, 'counter')
    for (const task of tasks) {
      sink.value(this.labelsOf(task), 'status', 'success', task.success)
      sink.value(this.labelsOf(task), 'status', 'error', task.errors)
    }
    sink.family('requests_per_second', TASK_FAMILY_HELP.requests_per_second, 'gauge')
    k = 0
    for (const task of tasks) sink.value(this.labelsOf(task), null, null, this.rates[k++] ?? 0)
    sink.family('tasks_active', TASK_FAMILY_HELP.tasks_active, 'gauge')
    for (const task of tasks) sink.value(this.labelsOf(task), null, null, task.active)
    sink.family('tasks_completed_total', TASK_FAMILY_HELP.tasks_completed_total, 'counter')
    for (const task of tasks) sink.value(this.labelsOf(task), null, null, task.completed)
    sink.family('tasks_failed_total', TASK_FAMILY_HELP.tasks_failed_total, 'counter')
    for (const task of tasks) sink.value(this.labelsOf(task), null, null, task.errors)
  }
}
