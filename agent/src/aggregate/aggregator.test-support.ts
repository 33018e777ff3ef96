// Shared by the aggregate tests: an aggregator on a clock that ticks 1 ms a call, lookups that
// fail the test when the series is refused instead of handing back null, and the window tests'
// percentile oracle.
import { Aggregator } from './aggregator.js'
import { type BucketLayout, msToUs } from './bucket-layout.js'
import { BucketList } from './bucket-list.js'
import type { CustomSeries } from './custom-series.js'
import { LatencyHistogram } from './latency-histogram.js'
import { QUANTILES } from './quantiles.js'
import type { TaskStats } from './task-stats.js'

export type Tags = ReadonlyArray<readonly [string, string]>

export function aggregator(maxSeries = 100): Aggregator {
  let nowMs = 0
  return new Aggregator({ windowSeconds: 60, precision: 2, maxSeries, now: () => nowMs++ })
}

export function taskOf(agg: Aggregator, name: string, tags: Tags | null = null): TaskStats {
  const task = agg.task(name, tags)
  if (task === null) throw new Error(`no series for task ${name}`)
  return task
}

export function seriesOf(
  agg: Aggregator,
  kind: CustomSeries['kind'],
  name: string,
  tags: Tags | null = null,
): CustomSeries {
  const series = agg.series(kind, name, tags)
  if (series === null) throw new Error(`no series for ${kind} ${name}`)
  return series
}

/** Quantiles (µs) of a plain cumulative histogram fed the same durations: the windows' oracle. */
export function histogramQuantiles(layout: BucketLayout, durationsMs: readonly number[]): number[] {
  const histogram = new LatencyHistogram(layout)
  for (const durationMs of durationsMs) histogram.record(msToUs(durationMs))
  const list = new BucketList()
  histogram.forEachBucket((flat, count) => list.push(flat, count))
  const out = new Float64Array(QUANTILES.length)
  list.quantilesUs(layout, QUANTILES, out)
  return [...out]
}
