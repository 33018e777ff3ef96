// A MetricsRenderer with the agent's self families, for tests that compare two renders: the render
// time reads 0, so that it never differs between them.
import type { Aggregator } from '../../aggregate/aggregator.js'
import { DecodeStats } from '../../decode/decode-stats.js'
import { agentSelfMetrics } from '../../self-metrics/agent-self-metrics.js'
import { SelfMetrics } from '../../self-metrics/self-registry.js'
import { MetricsRenderer } from './metrics-renderer.js'
import type { NativeSettings } from './native-histogram.js'

export function testRenderer(
  aggregator: Aggregator,
  buckets: readonly number[],
  kernelDrops: number,
  native: NativeSettings | null = null,
): MetricsRenderer {
  const self = new SelfMetrics()
  const renderer = new MetricsRenderer(aggregator, buckets, self, false, native)
  const renderSeconds = { ...renderer.renderSeconds, read: () => 0 }
  self.register(
    ...agentSelfMetrics({
      aggregator,
      decode: new DecodeStats(),
      kernelDrops: () => kernelDrops,
      renderSeconds,
      version: 'test',
    }),
  )
  return renderer
}
