// GET /metrics in the protobuf exposition format, chosen by content negotiation. Prometheus asks for
// it first when native histograms are on (2.x: --enable-feature=native-histograms; 3.x:
// scrape_native_histograms), because only protobuf can carry native buckets.
import type { FamilySource } from './family-sink.js'
import { emitAll } from './family-sources.js'
import { MetricFamilyEncoder } from './metric-family-encoder.js'
import { RenderPause, joinParts } from './render-pause.js'

export const PROTOBUF_CONTENT_TYPE =
  'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited'

/**
 * True when the Accept header ranks the delimited MetricFamily protobuf at least as high as the
 * text format (q-values, RFC 9110 §12.5.1). Prometheus sends it first with no q; a scraper that
 * asks for text/plain or any type keeps getting text.
 */
export function prefersProtobuf(accept: string | undefined): boolean {
  if (accept === undefined || accept === '') return false
  let protobufQ = 0
  let textQ = 0
  for (const range of accept.split(',')) {
    const parts = range.split(';').map((p) => p.trim())
    const type = (parts[0] ?? '').toLowerCase()
    let q = 1
    let proto = ''
    let encoding = ''
    for (let i = 1; i < parts.length; i++) {
      const [key, value] = (parts[i] as string).split('=').map((s) => s.trim()) as [string, string | undefined]
      if (key === 'q') q = Number(value)
      else if (key === 'proto') proto = value ?? ''
      else if (key === 'encoding') encoding = value ?? ''
    }
    if (!(q >= 0)) q = 0
    if (
      type === 'application/vnd.google.protobuf' &&
      proto === 'io.prometheus.client.MetricFamily' &&
      encoding === 'delimited'
    )
      protobufQ = Math.max(protobufQ, q)
    else if (type === 'text/plain' || type === 'text/*' || type === '*/*') textQ = Math.max(textQ, q)
  }
  return protobufQ > 0 && protobufQ >= textQ
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
