// prom-client's default process and runtime metrics (process_*, nodejs_*) for the protobuf and
// remote-write encoders, from the registry's structured values (getMetricsAsJSON), not its text.
// The text answer keeps prom-client's own text of the same registry (registry.metrics()): that is
// what /metrics has always sent for these families (a blank line between them, `le` first).
import type { Registry } from 'prom-client'
import { FamilyCollector, type LabelPair } from './family-collector.js'
import type { FamilySink, FamilySource, FamilyType } from './family-sink.js'

type Metrics = Awaited<ReturnType<Registry['getMetricsAsJSON']>>

const TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'summary', 'histogram'])

/** One collection of the registry (collecting resets some of its gauges, such as the event-loop lag). */
export async function collectProcessFamilies(registry: Registry): Promise<FamilySource> {
  return new ProcessFamilies(await registry.getMetricsAsJSON())
}

class ProcessFamilies implements FamilySource {
  private readonly metrics: Metrics

  constructor(metrics: Metrics) {
    this.metrics = metrics
  }

  emit(sink: FamilySink): void {
    const families = new FamilyCollector(sink)
    for (const metric of this.metrics) {
      const type = String(metric.type)
      families.start(metric.name, metric.help, TYPES.has(type) ? (type as FamilyType) : 'untyped')
      for (const sample of metric.values) {
        // Histograms and summaries name their samples (`_bucket`, `_sum`, `_count`); the types omit it.
        const named: { metricName?: unknown } & typeof sample = sample
        const pairs: LabelPair[] = []
        for (const [name, value] of Object.entries(sample.labels)) pairs.push([name, String(value)])
        const name = typeof named.metricName === 'string' ? named.metricName : metric.name
        // A value prom-client could not read (undefined) was `NaN` in its text.
        families.sample(name, pairs, typeof sample.value === 'number' ? sample.value : Number.NaN)
      }
    }
    families.flush()
  }
}
