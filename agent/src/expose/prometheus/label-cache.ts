// A series' SeriesLabels, made once and kept while the series lives (WeakMap: an evicted series
// takes its labels with it). Shared by the text, protobuf and remote-write walks, so the encoded
// label bytes each encoder caches on them are held once per series, not once per walk.
import type { CustomSeries } from '../../aggregate/custom-series.js'
import type { LabelPairs } from '../../aggregate/labels.js'
import type { TaskStats } from '../../aggregate/task-stats.js'
import { SeriesLabels } from './family-sink.js'

function fromPairs(names: string[], values: string[], pairs: LabelPairs): SeriesLabels {
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i] as readonly [string, string]
    names.push(pair[0])
    values.push(pair[1])
  }
  return new SeriesLabels(names, values)
}

export class LabelCache {
  private readonly tasks = new WeakMap<TaskStats, SeriesLabels>()
  private readonly custom = new WeakMap<CustomSeries, SeriesLabels>()

  /** `task` first, then the task's own labels. */
  ofTask(task: TaskStats): SeriesLabels {
    let labels = this.tasks.get(task)
    if (labels === undefined) {
      labels = fromPairs(['task'], [task.name], task.labels)
      this.tasks.set(task, labels)
    }
    return labels
  }

  ofCustom(series: CustomSeries): SeriesLabels {
    let labels = this.custom.get(series)
    if (labels === undefined) {
      labels = fromPairs([], [], series.labels)
      this.custom.set(series, labels)
    }
    return labels
  }
}
