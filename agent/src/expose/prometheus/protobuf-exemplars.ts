// An exemplar as an io.prometheus.client.Exemplar message (client_model metrics.proto: label = 1,
// value = 2, timestamp = 3 as google.protobuf.Timestamp { seconds = 1, nanos = 2 }), for a classic
// Bucket (its field 3) and a native Histogram's list (its field 16, `exemplars`).
import type { ExemplarStore } from '../../aggregate/exemplar-store.js'
import type { ProtobufWriter } from './protobuf-writer.js'

/** Histogram.exemplars: the native histogram's exemplars (client_model 0.5+; older readers skip the field). */
export const HISTOGRAM_EXEMPLARS_FIELD = 16
/** Bucket.exemplar. */
export const BUCKET_EXEMPLAR_FIELD = 3

function labelPair(w: ProtobufWriter, name: string, value: string): void {
  w.begin(1, 1)
  w.stringField(1, name)
  w.stringField(2, value)
  w.end()
}

/** Slot `slot` of the store as field `field` (value in seconds, the histogram's unit). */
export function writeExemplarMessage(w: ProtobufWriter, field: number, store: ExemplarStore, slot: number): void {
  const unixMs = store.unixMs[slot] ?? 0
  const seconds = Math.floor(unixMs / 1000)
  const nanos = Math.round((unixMs - seconds * 1000) * 1e6)
  w.begin(field, 1)
  labelPair(w, 'trace_id', store.traceIdHex(slot))
  labelPair(w, 'span_id', store.spanIdHex(slot))
  w.doubleField(2, (store.valuesMs[slot] ?? 0) / 1000)
  w.begin(3, 1)
  w.uintField(1, seconds)
  if (nanos > 0) w.uintField(2, nanos)
  w.end()
  w.end()
}
