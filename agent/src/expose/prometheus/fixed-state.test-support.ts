// A fixed aggregator state, and a MetricsRenderer over it with fixed self stats and no process
// metrics, so that the answers' bytes are the same at every run (the golden tests).
import { Aggregator } from '../../aggregate/aggregator.js'
import type { MetricsRenderer } from './metrics-renderer.js'
import { testRenderer } from './metrics-renderer.test-support.js'

/** A task with a label, a counter, an unlabelled gauge and a histogram, read at 2 s. */
export function fixedAggregator(): Aggregator {
  const clock = { ms: 1000 }
  const aggregator = new Aggregator({ windowSeconds: 60, precision: 2, maxSeries: 100, now: () => clock.ms })
  const checkout = aggregator.task('checkout', [['region', 'eu']])
  if (checkout === null) throw new Error('no task')
  for (const ms of [0, 0.1, 1, 1.003, 3, 250]) aggregator.recordRequest(checkout, ms, false, 1)
  aggregator.recordRequest(checkout, 3, true, 1)
  const orders = aggregator.series('counter', 'orders', [['payment', 'card']])
  const depth = aggregator.series('gauge', 'queue_depth', null)
  const batch = aggregator.series('histogram', 'batch_size', null)
  if (orders === null || depth === null || batch === null) throw new Error('no series')
  aggregator.addCounter(orders, 3)
  aggregator.setGauge(depth, 17)
  aggregator.observe(batch, 64, 1)
  aggregator.observe(batch, 128, 1)
  clock.ms = 2000
  return aggregator
}

export function fixedRenderer(aggregator: Aggregator, bucketBoundsSeconds: readonly number[]): MetricsRenderer {
  return testRenderer(aggregator, bucketBoundsSeconds, 3, { schema: 7, maxBuckets: 160 })
}
