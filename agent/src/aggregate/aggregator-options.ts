// What an Aggregator is built with: the flags that shape its state and its caps.
export interface AggregatorOptions {
  windowSeconds: number
  precision: number
  maxSeries: number
  maxClients?: number
  /** --max-scrape-bytes: new series are refused once held ones could render a body this large. */
  maxScrapeBytes?: number
  /** The `le` bounds of task_duration_seconds (--buckets), for the scrape budget. */
  taskBuckets?: number
  now?: () => number // monotonic milliseconds
  /** A --workers shard: keep zero in-flight entries so that the merge sees them. */
  shard?: boolean
}
