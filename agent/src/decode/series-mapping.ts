// The decode stage's use of a mapping file: a new series is resolved through the mapper (its name
// and labels rewritten, or dropped), and every line counts as mapped, unmapped or dropped in
// taskmeter_mapping_matches_total. The decode caches keep what a series resolved to, so a known
// series costs no lookup; a reload swaps the mapper and the caches are cleared with it.
import type { Aggregator } from '../aggregate/aggregator.js'
import type { CustomKind, CustomSeries } from '../aggregate/custom-series.js'
import type { TaskStats } from '../aggregate/task-stats.js'
import type { MappingMetricType } from '../mapping/mapping-rules.js'
import type { MetricMapper, TagPairs } from '../mapping/metric-mapper.js'

/** What a decode cache holds for a series a `drop` rule (or an empty mapped name) refused. */
export const MAPPED_OUT = 'mapped_out'
export type MappedOut = typeof MAPPED_OUT

export const MATCH_RESULTS = ['mapped', 'unmapped', 'dropped'] as const
const MAPPED = 0
const UNMAPPED = 1
const DROPPED = 2

const METRIC_TYPE: Readonly<Record<CustomKind, MappingMetricType>> = {
  counter: 'counter',
  gauge: 'gauge',
  set: 'gauge',
  histogram: 'observer',
}

export class SeriesMapping {
  mapper: MetricMapper
  /** Protocol v1 timings and task events are mapped too (--map-protocol). */
  readonly mapProtocol: boolean
  /** By MATCH_RESULTS. */
  readonly matches: Float64Array

  constructor(mapper: MetricMapper, mapProtocol: boolean, matches: Float64Array) {
    this.mapper = mapper
    this.mapProtocol = mapProtocol
    this.matches = matches
  }

  /** Counts one line of a series resolved earlier: mapped series carry their rule's settings. */
  countResolved(series: TaskStats | CustomSeries): void {
    const result = series.settings === null ? UNMAPPED : MAPPED
    this.matches[result] = (this.matches[result] ?? 0) + 1
  }

  countDropped(): void {
    this.matches[DROPPED] = (this.matches[DROPPED] ?? 0) + 1
  }

  /** A new task by its sent name; MAPPED_OUT when a rule drops it. */
  task(aggregator: Aggregator, name: string, tags: TagPairs | null): TaskStats | MappedOut | null {
    const mapped = this.mapper.map(name, 'observer', tags)
    if (mapped === null) return this.counted(aggregator.task(name, tags))
    if (mapped.action === 'drop' || mapped.name === '') return this.dropped()
    return this.counted(aggregator.task(mapped.name, mapped.labels, mapped.settings))
  }

  /** A new custom series by its sent name; MAPPED_OUT when a rule drops it. */
  series(
    aggregator: Aggregator,
    kind: CustomKind,
    name: string,
    tags: TagPairs | null,
  ): CustomSeries | MappedOut | null {
    const mapped = this.mapper.map(name, METRIC_TYPE[kind], tags)
    if (mapped === null) return this.counted(aggregator.series(kind, name, tags))
    if (mapped.action === 'drop' || mapped.name === '') return this.dropped()
    return this.counted(aggregator.series(kind, mapped.name, mapped.labels, 1, mapped.settings))
  }

  private counted<T extends TaskStats | CustomSeries>(series: T | null): T | null {
    if (series !== null) this.countResolved(series)
    return series
  }

  private dropped(): MappedOut {
    this.countDropped()
    return MAPPED_OUT
  }
}
