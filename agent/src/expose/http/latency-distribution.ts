// GET /dashboard/distribution?task=<id>[&scope=window|cumulative]: one task's latency histogram
// for the live page, regrouped from the HdrHistogram's buckets into log-spaced bins (4 per
// doubling, each ~19 % wide), contiguous from the fastest to the slowest request so gaps show.
// Default scope: the sliding window, so the chart follows what the percentile lines show.
import type { Aggregator } from '../../aggregate/aggregator.js'
import { QUANTILES, TaskFigures } from '../../aggregate/task-figures.js'

const BINS_PER_DOUBLING = 4

export type DistributionScope = 'window' | 'cumulative'

export interface DistributionBin {
  from_ms: number
  to_ms: number
  count: number
}

export interface LatencyDistribution {
  task: string
  scope: DistributionScope
  window_seconds: number
  total: number
  bins: DistributionBin[]
}

function binEdgeMs(bin: number): number {
  return Math.round(2 ** (bin / BINS_PER_DOUBLING)) / 1000
}

/** null when the task is unknown. */
export function latencyDistribution(
  aggregator: Aggregator,
  taskId: string,
  scope: DistributionScope,
): LatencyDistribution | null {
  const task = aggregator.tasks.get(taskId)
  if (task === undefined) return null
  const figures = new TaskFigures(aggregator)
  const quantiles = new Float64Array(QUANTILES.length)
  if (scope === 'window') figures.readWindow(task, quantiles)
  else figures.readHistogram(task.histogram, quantiles)
  const buckets = figures.buckets
  const layout = aggregator.layout
  const counts = new Map<number, number>()
  let first = Infinity
  let last = -Infinity
  for (let i = 0; i < buckets.length; i++) {
    const count = buckets.counts[i] ?? 0
    if (count === 0) continue
    const flat = buckets.flats[i] ?? 0
    // The bucket's midpoint in µs decides its bin (1 µs floor: log2 of 0 is -Infinity).
    const midUs = Math.max(1, (layout.lowestOfFlat(flat) + layout.highestOfFlat(flat)) / 2)
    const bin = Math.floor(Math.log2(midUs) * BINS_PER_DOUBLING)
    counts.set(bin, (counts.get(bin) ?? 0) + count)
    if (bin < first) first = bin
    if (bin > last) last = bin
  }
  const bins: DistributionBin[] = []
  let total = 0
  for (let bin = first; bin <= last; bin++) {
    const count = counts.get(bin) ?? 0
    total += count
    bins.push({ from_ms: binEdgeMs(bin), to_ms: binEdgeMs(bin + 1), count })
  }
  return { task: taskId, scope, window_seconds: aggregator.windowSeconds, total, bins }
}
