// The aggregator's families in the order of a scrape (tasks, then custom), one walk for whichever
// encoder is the sink. Text scrapes and protobuf / remote-write take one instance each, so a text
// scrape need not wait for a protobuf one; they share the series' labels (and the label bytes each
// encoder caches on them).
import type { Aggregator } from '../../aggregate/aggregator.js'
import { CustomFamilySource } from './custom-family-source.js'
import type { FamilySink, FamilySource } from './family-sink.js'
import { LabelCache } from './label-cache.js'
import type { NativeSettings } from './native-histogram.js'
import type { RenderPause } from './render-pause.js'
import type { SeriesBytesSink } from './series-bytes.js'
import { TaskFamilySource } from './task-family-source.js'
import { TaskSeriesCache } from './task-series-cache.js'

export class FamilySources implements FamilySource {
  readonly tasks: TaskFamilySource
  readonly custom: CustomFamilySource

  /** `native` null: no native buckets and no `<family>_histogram` companions (the text walk). */
  constructor(
    aggregator: Aggregator,
    bucketBoundsSeconds: readonly number[],
    native: NativeSettings | null,
    labels: LabelCache = new LabelCache(),
  ) {
    this.tasks = new TaskFamilySource(aggregator, bucketBoundsSeconds, native, labels)
    this.custom = new CustomFamilySource(aggregator, native, labels)
  }

  async emit(sink: FamilySink, pause: RenderPause): Promise<void> {
    await this.tasks.emit(sink, pause)
    await this.custom.emit(sink, pause)
  }
}

/**
 * The same families for one encoder that keeps its bodies (text or protobuf scrapes): the tasks
 * that did not change since the last committed body are copied from it. Another sink gets a full
 * walk that leaves the cache alone.
 */
export class CachedFamilySources implements FamilySource {
  readonly sources: FamilySources
  readonly sink: SeriesBytesSink
  readonly cache = new TaskSeriesCache()

  constructor(sources: FamilySources, sink: SeriesBytesSink) {
    this.sources = sources
    this.sink = sink
  }

  async emit(sink: FamilySink, pause: RenderPause): Promise<void> {
    if (sink !== this.sink) return this.sources.emit(sink, pause)
    await this.sources.tasks.emit(sink, pause, this.cache)
    await this.sources.custom.emit(sink, pause)
  }

  /** The body the walk went into is finished (the sink's bytes from its start): the next walk copies from it. */
  commit(body: Buffer): void {
    this.cache.commit(body)
  }
}

/** Every source into `sink`, in order, then ends the last family. */
export async function emitAll(sources: readonly FamilySource[], sink: FamilySink, pause: RenderPause): Promise<void> {
  for (const source of sources) await source.emit(sink, pause)
  sink.end()
}
