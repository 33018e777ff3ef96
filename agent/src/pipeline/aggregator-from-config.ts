// The aggregator the flags ask for. One process, the --workers primary (into which the shards
// merge) and every shard hold the same window, precision and budgets; a shard adds the primary's
// clock and keeps the zero in-flight entries the merge needs.
import { Aggregator, type AggregatorOptions } from '../aggregate/aggregator.js'
import type { Config } from '../config/load-config.js'

export function aggregatorFromConfig(config: Config, shard: Pick<AggregatorOptions, 'now' | 'shard'> = {}): Aggregator {
  return new Aggregator({
    windowSeconds: config.windowSeconds,
    precision: config.precision,
    maxSeries: config.maxSeries,
    maxScrapeBytes: config.maxScrapeBytes,
    taskBuckets: config.buckets.length,
    ...shard,
  })
}
