// The agent's self-metric registry: the stages' declarations (self-metric.ts) in /metrics order.
// It emits every family straight into a sink of FamilySink's shape (expose/prometheus/family-sink.ts: the
// protobuf and remote-write encoders; the text exposition too), and takes and adds
// the snapshots that --workers shards send their primary. It imports nothing from expose/, so that
// any stage may declare into it.
import type { SelfMetric, SelfMetricType } from './self-metric.js'

/** What the registry needs of a FamilySink: `labels` are the series' own, passed through. */
export interface SelfSink<L> {
  family(name: string, help: string, type: SelfMetricType): void
  value(labels: L, extraName: string | null, extraValue: string | null, value: number): void
}

/**
 * A shard's figures by series, keyed `name` or `name{label="value"}`: keyed rather than positional,
 * so that a shard and its primary can never read each other's figures out of step.
 */
export type SelfSnapshot = Readonly<Record<string, number>>

interface ShippedSeries {
  readonly key: string
  readonly metric: SelfMetric
  readonly index: number
  add(index: number, amount: number): void
}

function seriesKey(metric: SelfMetric, index: number): string {
  const label = metric.label
  return label === undefined ? metric.name : `${metric.name}{${label.name}="${label.values[index]}"}`
}

export class SelfMetrics {
  private readonly metrics: SelfMetric[] = []
  /** The series that take additions, built on first use after a register(). */
  private shippedSeries: ShippedSeries[] | null = null

  /** Appends families; their order is the order of /metrics. */
  register(...metrics: readonly SelfMetric[]): this {
    for (const metric of metrics) {
      if (this.metrics.some((m) => m.name === metric.name)) throw new Error(`${metric.name} is declared twice`)
      this.metrics.push(metric)
    }
    this.shippedSeries = null
    return this
  }

  /** Every family in order, every series of it; the family's one label goes as the sink's extra label. */
  emit<L>(sink: SelfSink<L>, labels: L): void {
    for (const metric of this.metrics) {
      sink.family(metric.name, metric.help, metric.type)
      const label = metric.label
      if (label === undefined) sink.value(labels, null, null, metric.read(0))
      else
        for (let i = 0; i < label.values.length; i++)
          sink.value(labels, label.name, label.values[i] as string, metric.read(i))
    }
  }

  private shipped(): ShippedSeries[] {
    if (this.shippedSeries !== null) return this.shippedSeries
    const out: ShippedSeries[] = []
    for (const metric of this.metrics) {
      const add = metric.add
      if (add === undefined) continue
      const count = metric.label === undefined ? 1 : metric.label.values.length
      for (let index = 0; index < count; index++)
        out.push({ key: seriesKey(metric, index), metric, index, add: add.bind(metric) })
    }
    this.shippedSeries = out
    return out
  }

  /** The current value of every series that takes additions (what a shard sends its primary). */
  snapshot(): Record<string, number> {
    const out: Record<string, number> = {}
    for (const series of this.shipped()) out[series.key] = series.metric.read(series.index)
    return out
  }

  /**
   * Adds one shard's figures since its previous snapshot (undefined: the first). A counter adds its
   * increase, or its whole value when it went down (a replaced shard counts from 0 again), so it
   * never goes back; a gauge adds its change. A series missing from a snapshot reads as 0.
   */
  addSince(current: SelfSnapshot, previous: SelfSnapshot | undefined): void {
    for (const series of this.shipped()) {
      const now = current[series.key] ?? 0
      const before = previous?.[series.key] ?? 0
      const amount = series.metric.type === 'gauge' || now >= before ? now - before : now
      if (amount !== 0) series.add(series.index, amount)
    }
  }
}
