// The aggregator's families of the agent's own health, beside the aggregator that counts them: the
// drop reasons (drop-counters.ts), the series it holds, caps, evicts and refuses, and the clients
// whose in-flight reports are live. Plain object literals: aggregate/ imports nothing of ours, and
// these satisfy self-metrics/self-metric.ts's SelfMetric structurally. Only the counters take
// additions: the gauges are the primary's own state after a --workers merge.
import type { Aggregator } from './aggregator.js'

/** A counter the aggregator keeps as a field; a --workers primary adds its shards' counts to it. */
function seriesCounter(aggregator: Aggregator, name: string, help: string, field: 'seriesEvicted' | 'seriesDropped') {
  return {
    name,
    help,
    type: 'counter',
    read: (): number => aggregator[field],
    add: (_index: number, count: number): void => {
      aggregator[field] += count
    },
  } as const
}

export function aggregatorFigures(aggregator: Aggregator) {
  return [
    aggregator.drops.figure,
    {
      name: 'taskmeter_series',
      help: 'User series (tasks and custom metrics) held now',
      type: 'gauge',
      read: (): number => aggregator.seriesCount,
    },
    {
      name: 'taskmeter_series_max',
      help: 'Series cap (--max-series)',
      type: 'gauge',
      read: () => aggregator.maxSeries,
    },
    seriesCounter(
      aggregator,
      'taskmeter_series_evicted_total',
      'Series evicted after --ttl without updates',
      'seriesEvicted',
    ),
    seriesCounter(
      aggregator,
      'taskmeter_series_dropped_total',
      'Events dropped because they would create a series past --max-series',
      'seriesDropped',
    ),
    {
      name: 'taskmeter_inflight_clients',
      help: 'Clients whose in-flight reports are live',
      type: 'gauge',
      read: (): number => aggregator.inflight.clientCount,
    },
  ] as const
}
