// GET /metrics: our own text renderer for the task, custom and self families (the cost is paid at
// scrape time, nothing per event), followed by prom-client's default process metrics.
import { Registry, collectDefaultMetrics } from 'prom-client'
import type { Aggregator } from '../aggregate/aggregator.js'
import { CustomFamilyRenderer } from './custom-families.js'
import type { FamilySink } from './family-sink.js'
import type { NativeSettings } from './native-histogram.js'
import { FamilySources, ProtobufExposition } from './protobuf-exposition.js'
import { type SelfStatsSource, renderSelfFamilies } from './self-families.js'
import { TaskFamilyRenderer } from './task-families.js'
import { TextWriter } from './text-writer.js'

const LINT_FAILING_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
]

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

export class MetricsRenderer {
  private readonly tasks: TaskFamilyRenderer
  private readonly custom: CustomFamilyRenderer
  private readonly self: SelfStatsSource
  private readonly processRegistry: Registry
  // The same families for protobuf scrapes and remote write, with native histograms.
  private readonly sources: FamilySources
  private readonly protobuf = new ProtobufExposition()
  /** The text answer's bytes, kept for the next scrape. */
  private readonly text = new TextWriter(1024 * 1024)
  /** Families of optional parts (remote write's self-metrics), rendered after the self families. */
  extraFamilies: ((out: string[]) => void) | null
  /** Brings the aggregator up to date before a render (--workers: merge the shards). */
  refresh: (() => Promise<void>) | null
  lastRenderSeconds: number

  constructor(
    aggregator: Aggregator,
    bucketBoundsSeconds: readonly number[],
    self: SelfStatsSource,
    withProcessMetrics = true,
    native: NativeSettings | null = null,
  ) {
    this.tasks = new TaskFamilyRenderer(aggregator, bucketBoundsSeconds)
    this.custom = new CustomFamilyRenderer(aggregator)
    this.self = self
    this.processRegistry = new Registry()
    if (withProcessMetrics) {
      collectDefaultMetrics({ register: this.processRegistry })
      // prom-client names these gauges *_total, which `promtool check metrics` rejects; the same
      // figures remain as nodejs_active_handles / _requests / _resources.
      for (const name of LINT_FAILING_DEFAULTS) this.processRegistry.removeSingleMetric(name)
    }
    this.sources = new FamilySources(aggregator, bucketBoundsSeconds, native)
    this.extraFamilies = null
    this.refresh = null
    this.lastRenderSeconds = 0
  }

  /** Our families into this.text (reused across scrapes). */
  private renderOwnText(): TextWriter {
    const started = performance.now()
    const text = this.text
    text.reset()
    this.tasks.renderInto(text)
    const out: string[] = []
    this.custom.render(out)
    renderSelfFamilies(this.self, out)
    this.extraFamilies?.(out)
    for (const family of out) text.utf8(family)
    this.lastRenderSeconds = (performance.now() - started) / 1000
    return text
  }

  /** Our families only, synchronously (for benchmarks and the in-process monitor). */
  renderOwn(): string {
    return this.renderOwnText().toString()
  }

  async render(): Promise<string> {
    if (this.refresh !== null) await this.refresh()
    const own = this.renderOwn()
    return own + (await this.processRegistry.metrics())
  }

  /** GET /metrics as bytes: no 16 MB string is built at 10 000 tasks. */
  async renderBody(): Promise<Buffer> {
    if (this.refresh !== null) await this.refresh()
    const processText = await this.processRegistry.metrics()
    const text = this.renderOwnText()
    text.utf8(processText)
    return text.toBuffer()
  }

  private selfText(): string {
    const out: string[] = []
    renderSelfFamilies(this.self, out)
    this.extraFamilies?.(out)
    return out.join('')
  }

  /** The protobuf answer: every family of render(), plus native histograms. */
  async renderProtobuf(): Promise<Buffer> {
    if (this.refresh !== null) await this.refresh()
    const processText = await this.processRegistry.metrics()
    const started = performance.now()
    const body = this.protobuf.render(this.sources, this.selfText(), processText)
    this.lastRenderSeconds = (performance.now() - started) / 1000
    return body
  }

  /** Every family into a sink (remote write). */
  async emitFamilies(sink: FamilySink): Promise<void> {
    if (this.refresh !== null) await this.refresh()
    const processText = await this.processRegistry.metrics()
    this.sources.emit(sink, this.selfText(), processText)
  }
}
