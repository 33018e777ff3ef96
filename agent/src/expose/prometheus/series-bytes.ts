// What an incremental render needs from an encoder (text-family-encoder.ts, metric-family-encoder.ts):
// where each series' bytes lie in the finished body, so that a later render can copy the bytes of
// a series that did not change instead of encoding it again (task-series-cache.ts).
import type { FamilySink } from './family-sink.js'

export interface SeriesBytesSink extends FamilySink {
  /** Families started since the body began: the next family() is family number familyCount. */
  readonly familyCount: number
  /** Bytes of series written so far into the family started last. */
  seriesOffset(): number
  /** Where the first series of family `index` lies in the finished body (known once it ended). */
  familyStart(index: number): number
  /** Appends bytes start..end of an earlier body (whole series) to the family started last. */
  copySeries(from: Buffer, start: number, end: number): void
}
