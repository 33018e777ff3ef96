// The /metrics renderer as the agent builds it, without process metrics or sockets: what the
// scrape and remote-write benchmarks measure. One place, so the benches follow the agent's wiring.
import { DecodeStats } from '../agent/dist/decode/decode-stats.js'
import { MetricsRenderer } from '../agent/dist/expose/prometheus/metrics-renderer.js'
import { agentSelfMetrics } from '../agent/dist/self-metrics/agent-self-metrics.js'
import { SelfMetrics } from '../agent/dist/self-metrics/self-registry.js'

export function benchRenderer(aggregator, buckets, native) {
  const self = new SelfMetrics()
  const renderer = new MetricsRenderer(aggregator, buckets, self, false, native)
  self.register(
    ...agentSelfMetrics({
      aggregator,
      decode: new DecodeStats(),
      kernelDrops: () => 0,
      renderSeconds: renderer.renderSeconds,
      version: 'bench',
    }),
  )
  return renderer
}
