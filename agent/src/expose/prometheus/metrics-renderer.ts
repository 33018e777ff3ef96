// GET /metrics and remote write: one walk of the task, custom and self families (the cost is paid at
// scrape time, nothing per event) into the encoder of the answer (text, protobuf, remote write),
// plus the process_* and nodejs_* families (runtime-families.ts). A text or protobuf scrape copies the series
// of tasks that did not change from its previous body (task-series-cache.ts); the self and
// process families are encoded at every scrape. OpenMetrics scrapes (what Prometheus asks for by
// default, and the text format that carries exemplars) go through the same text walk, switched to
// OpenMetrics: one body is held whichever text format is scraped, and a switch renders afresh.
import type { Aggregator } from '../../aggregate/aggregator.js'
import type { SelfMetric } from '../../self-metrics/self-metric.js'
import type { SelfMetrics } from '../../self-metrics/self-registry.js'
import type { FamilySink, FamilySource } from './family-sink.js'
import { CachedFamilySources, FamilySources, emitAll } from './family-sources.js'
import { LabelCache } from './label-cache.js'
import type { NativeSettings } from './native-histogram.js'
import { ProtobufExposition } from './protobuf-exposition.js'
import { RenderPause, Serial, SharedRender, joinParts } from './render-pause.js'
import { RuntimeFamilies } from './runtime-families.js'
import { SelfFamilySource } from './self-family-source.js'
import type { TaskSeriesCache } from './task-series-cache.js'
import { TextFamilyEncoder } from './text-family-encoder.js'

export interface CacheStats {
  bytes: number
  tasks: number
  /** Tasks copied whole (a rate that moves is encoded), and tasks copied but for their window. */
  reused: number
  windowReused: number
}

function statsOf(cache: TaskSeriesCache): CacheStats {
  return { bytes: cache.bytes(), tasks: cache.tasks, reused: cache.reused, windowReused: cache.windowReused }
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

export class MetricsRenderer {
  /** process_* and nodejs_*: one for every walk, as each emit ends an event-loop delay interval. */
  private readonly runtime: RuntimeFamilies | null
  /** The text walk: its own scratch, so a text scrape need not wait for a protobuf one. */
  private readonly textSources: CachedFamilySources
  /** The same families for protobuf scrapes and remote write, with native histograms. */
  private readonly sources: FamilySources
  /** The protobuf scrapes' walk of `sources`, copying unchanged series from the last protobuf body. */
  private readonly protobufSources: CachedFamilySources
  /** The agent's own families, straight from the self-metric registry. */
  private readonly selfFamilies: SelfFamilySource
  private readonly text: TextFamilyEncoder
  private readonly protobuf: ProtobufExposition
  private readonly textRender = new SharedRender<Buffer>()
  private readonly openMetricsRender = new SharedRender<Buffer>()
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
    this.runtime = withProcessMetrics ? new RuntimeFamilies() : null
    const labels = new LabelCache()
    this.text = new TextFamilyEncoder()
    this.protobuf = new ProtobufExposition()
    this.textSources = new CachedFamilySources(
      new FamilySources(aggregator, bucketBoundsSeconds, null, labels),
      this.text,
    )
    this.sources = new FamilySources(aggregator, bucketBoundsSeconds, native, labels)
    this.protobufSources = new CachedFamilySources(this.sources, this.protobuf.encoder)
    this.selfFamilies = new SelfFamilySource(self)
    this.refresh = refresh
    this.lastRenderSeconds = 0
  }

  /** Our families as byte parts, in order (views of the text encoder's writer, reused by the next render). */
  private async renderOwnParts(pause: RenderPause, withRuntime: boolean): Promise<Uint8Array[]> {
    const started = performance.now()
    this.text.reset()
    await emitAll(
      withRuntime ? this.withRuntime([this.textSources, this.selfFamilies]) : [this.textSources, this.selfFamilies],
      this.text,
      pause,
    )
    const parts: Uint8Array[] = []
    this.text.viewsInto(parts)
    this.lastRenderSeconds = (performance.now() - started) / 1000
    return parts
  }

  /** The families as one buffer, in text 0.0.4 or OpenMetrics; the parts are views the next render reuses. */
  private ownBytes(withRuntime: boolean, openMetrics = false): Promise<Buffer> {
    return this.writersInUse.run(async () => {
      if (this.text.openMetrics !== openMetrics) {
        // The last body's series are in the other format: nothing of it can be copied.
        this.text.openMetrics = openMetrics
        this.textSources.cache.forget()
      }
      const pause = new RenderPause()
      const parts = await this.renderOwnParts(pause, withRuntime)
      const body = await joinParts(parts, pause)
      this.text.release()
      // The tasks' series lie at the same places in the body as in the encoder's stream.
      this.textSources.commit(body)
      return body
    })
  }

  /** The task, custom and self families, without the process ones (benchmarks). */
  async renderOwn(): Promise<string> {
    return (await this.ownBytes(false)).toString()
  }

  async render(): Promise<string> {
    if (this.refresh !== null) await this.refresh()
    return (await this.ownBytes(true)).toString()
  }

  /**
   * GET /metrics as bytes, built with one copy: no 16 MB string at 10 000 tasks, and scrapes that
   * arrive during a render share its body rather than each holding another.
   */
  renderBody(): Promise<Buffer> {
    return this.textRender.run(async () => {
      if (this.refresh !== null) await this.refresh()
      return this.ownBytes(true)
    })
  }

  /**
   * GET /metrics as OpenMetrics 1.0 text: the families of renderBody(), with exemplars on the task
   * histograms' buckets and `# EOF` at the end.
   */
  renderOpenMetricsBody(): Promise<Buffer> {
    return this.openMetricsRender.run(async () => {
      if (this.refresh !== null) await this.refresh()
      return this.ownBytes(true, true)
    })
  }

  /** The protobuf answer: every family of render(), plus native histograms. */
  renderProtobuf(): Promise<Buffer> {
    return this.protobufRender.run(() =>
      this.sourcesInUse.run(async () => {
        if (this.refresh !== null) await this.refresh()
        const started = performance.now()
        const body = await this.protobuf.render(this.withRuntime([this.protobufSources, this.selfFamilies]))
        this.protobufSources.commit(body)
        this.lastRenderSeconds = (performance.now() - started) / 1000
        return body
      }),
    )
  }

  /**
   * What the text and protobuf scrapes keep to copy unchanged series from (their last bodies and
   * per-task state, in bytes), and how many of the last render's tasks were copied.
   */
  cacheStats(): { text: CacheStats; protobuf: CacheStats } {
    return { text: statsOf(this.textSources.cache), protobuf: statsOf(this.protobufSources.cache) }
  }

  /** Every family into a sink (remote write). */
  emitFamilies(sink: FamilySink): Promise<void> {
    return this.sourcesInUse.run(async () => {
      if (this.refresh !== null) await this.refresh()
      await emitAll(this.withRuntime([this.sources, this.selfFamilies]), sink, new RenderPause())
    })
  }

  private withRuntime(sources: FamilySource[]): FamilySource[] {
    if (this.runtime !== null) sources.push(this.runtime)
    return sources
  }

  /** Stops the event-loop delay sampler and the GC observer the process families started. */
  close(): void {
    this.runtime?.close()
  }
}
