// GET /metrics: our own text renderer for the task, custom and self families (the cost is paid at
// scrape time, nothing per event), followed by prom-client's default process metrics.
import { Registry, collectDefaultMetrics } from 'prom-client'
import type { Aggregator } from '../aggregate/aggregator.js'
import type { SelfMetric } from '../self-metrics/self-metric.js'
import type { SelfMetrics } from '../self-metrics/self-registry.js'
import { CustomFamilyRenderer } from './custom-families.js'
import type { FamilySink } from './family-sink.js'
import type { NativeSettings } from './native-histogram.js'
import { FamilySources, ProtobufExposition } from './protobuf-exposition.js'
import { renderSelfFamilies } from './self-families.js'
import { TaskFamilyRenderer } from './task-families.js'
import { RenderPause, Serial, SharedRender, joinParts } from './render-pause.js'

const LINT_FAILING_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
]

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

export class MetricsRenderer {
  private readonly tasks: TaskFamilyRenderer
  private readonly custom: CustomFamilyRenderer
  private readonly self: SelfMetrics
  private readonly processRegistry: Registry
  // The same families for protobuf scrapes and remote write, with native histograms.
  private readonly sources: FamilySources
  private readonly protobuf = new ProtobufExposition()
  private readonly textRender = new SharedRender<Buffer>()
  private readonly protobufRender = new SharedRender<Buffer>()
  private readonly writersInUse = new Serial()
  /** Protobuf scrapes and remote write share the family sources' scratch: one at a time. */
  private readonly sourcesInUse = new Serial()
  /** Brings the aggregator up to date before a render (--workers: merge the shards). */
  private readonly refresh: (() => Promise<void>) | null
  lastRenderSeconds: number
  /** Its own figure, for the agent's self-metric registry (self-metrics/agent-self-metrics.ts). */
  readonly renderSeconds: SelfMetric = {
    name: 'taskmeter_scrape_render_seconds',
    help: 'Time the previous /metrics render took',
    type: 'gauge',
    read: () => this.lastRenderSeconds,
  }

  constructor(
    aggregator: Aggregator,
    bucketBoundsSeconds: readonly number[],
    self: SelfMetrics,
    withProcessMetrics = true,
    native: NativeSettings | null = null,
    refresh: (() => Promise<void>) | null = null,
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
    this.refresh = refresh
    this.lastRenderSeconds = 0
  }

  /** Our families as byte parts, in order (the task writers are reused by the next render). */
  private async renderOwnParts(pause: RenderPause): Promise<Uint8Array[]> {
    const started = performance.now()
    const parts: Uint8Array[] = []
    for (const writer of await this.tasks.render(pause)) writer.viewsInto(parts)
    ;(await this.custom.render(pause)).viewsInto(parts)
    parts.push(Buffer.from(renderSelfFamilies(this.self)))
    this.lastRenderSeconds = (performance.now() - started) / 1000
    return parts
  }

  /** Our families and `tail` as one buffer; the parts are views of writers the next render reuses. */
  private ownBytes(tail: string): Promise<Buffer> {
    return this.writersInUse.run(async () => {
      const pause = new RenderPause()
      const parts = await this.renderOwnParts(pause)
      if (tail !== '') parts.push(Buffer.from(tail))
      return joinParts(parts, pause)
    })
  }

  /** Our families only (benchmarks and the in-process monitor). */
  async renderOwn(): Promise<string> {
    return (await this.ownBytes('')).toString()
  }

  async render(): Promise<string> {
    if (this.refresh !== null) await this.refresh()
    const own = await this.renderOwn()
    return own + (await this.processRegistry.metrics())
  }

  /**
   * GET /metrics as bytes, built with one copy: no 16 MB string at 10 000 tasks, and scrapes that
   * arrive during a render share its body rather than each holding another.
   */
  renderBody(): Promise<Buffer> {
    return this.textRender.run(async () => {
      if (this.refresh !== null) await this.refresh()
      return this.ownBytes(await this.processRegistry.metrics())
    })
  }

  /** The protobuf answer: every family of render(), plus native histograms. */
  renderProtobuf(): Promise<Buffer> {
    return this.protobufRender.run(() =>
      this.sourcesInUse.run(async () => {
        if (this.refresh !== null) await this.refresh()
        const processText = await this.processRegistry.metrics()
        const started = performance.now()
        const body = await this.protobuf.render(this.sources, this.self, processText)
        this.lastRenderSeconds = (performance.now() - started) / 1000
        return body
      }),
    )
  }

  /** Every family into a sink (remote write). */
  emitFamilies(sink: FamilySink): Promise<void> {
    return this.sourcesInUse.run(async () => {
      if (this.refresh !== null) await this.refresh()
      const processText = await this.processRegistry.metrics()
      await this.sources.emit(sink, this.self, processText, new RenderPause())
    })
  }
}
