// GET /metrics in the protobuf exposition format, chosen by content negotiation. Prometheus asks for
// it first when native histograms are on (2.x: --enable-feature=native-histograms; 3.x:
// scrape_native_histograms), because only protobuf can carry native buckets.
import type { FamilySource } from './family-sink.js'
import { emitAll } from './family-sources.js'
import { MetricFamilyEncoder } from './metric-family-encoder.js'
import { RenderPause, joinParts } from './render-pause.js'
import { negotiateScrapeFormat } from './scrape-format.js'

export const PROTOBUF_CONTENT_TYPE =
  'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited'

/**
 * True when the Accept header ranks the delimited MetricFamily protobuf above the text formats
 * (q-values, RFC 9110 §12.5.1; scrape-format.ts). Prometheus sends it first when native
 * histograms are on; a scraper that asks for text/plain or any type keeps getting text.
 */
export function prefersProtobuf(accept: string | undefined): boolean {
  return negotiateScrapeFormat(accept) === 'protobuf'
}

/** The delimited MetricFamily stream of every family (one reused buffer; the answer is a copy). */
export class ProtobufExposition {
  /** Kept across renders; a CachedFamilySources over it copies unchanged series from the last body. */
  readonly encoder = new MetricFamilyEncoder()

  async render(sources: readonly FamilySource[]): Promise<Buffer> {
    this.encoder.reset()
    const pause = new RenderPause()
    await emitAll(sources, this.encoder, pause)
    return joinParts([this.encoder.writer.view()], pause)
  }
}
