// The agent's taskmeter_* families (self-metrics/: each stage declares its own) as a family source
// like the task and custom ones, so every encoder (text, protobuf, remote write) takes them from
// the registry directly. A self family has at most one label, passed as the sink's extra label.
import type { SelfMetrics } from '../../self-metrics/self-registry.js'
import { type FamilySink, type FamilySource, SeriesLabels } from './family-sink.js'

export class SelfFamilySource implements FamilySource {
  private readonly registry: SelfMetrics
  private readonly noLabels = new SeriesLabels([], [])

  constructor(registry: SelfMetrics) {
    this.registry = registry
  }

  emit(sink: FamilySink): void {
    this.registry.emit(sink, this.noLabels)
  }
}
