// A LatencyHistogram's part of a --workers delta (delta-bytes.ts): its count, value range and
// packed buckets (compact-counts.ts). A shard's histograms hold only what came in since its last
// delta, so the delta is the whole histogram and the primary adds it: HdrHistograms add exactly.
// Beside the histogram rather than in it: compact-counts.ts packs any BucketSource, and
// latency-histogram.ts stays free of the packing it is read by.
import { PackedCountsReader, packCountsView } from './compact-counts.js'
import type { DeltaSink, DeltaSource } from './delta-bytes.js'
import type { LatencyHistogram } from './latency-histogram.js'

const NO_BUCKETS = new Uint8Array(0)

/** Writes the histogram's delta, then empties it (the shard has handed its counts over). */
export function takeHistogramDelta(sink: DeltaSink, histogram: LatencyHistogram): void {
  writeHistogramState(sink, histogram)
  histogram.reset()
}

/** takeHistogramDelta() for the state file (state/): the same bytes, and the histogram keeps its counts. */
export function writeHistogramState(sink: DeltaSink, histogram: LatencyHistogram): void {
  sink.f64(histogram.totalCount)
  sink.f64(histogram.minUs)
  sink.f64(histogram.maxUs)
  sink.bytes(histogram.totalCount > 0 ? packCountsView(histogram) : NO_BUCKETS)
}

/**
 * Restores writeHistogramState() into an empty histogram. A file is checked (crc) before this
 * runs; a bucket outside the layout still throws instead of growing the array toward it.
 */
export function readHistogramState(source: DeltaSource, into: LatencyHistogram): void {
  const count = source.f64()
  const minUs = source.f64()
  const maxUs = source.f64()
  const packed = source.bytesView()
  if (!(count > 0)) return
  const layout = into.layout
  const reader = new PackedCountsReader(packed)
  let buckets = 0
  let lastFlat = -1
  let lastCount = 0
  for (; reader.next(); buckets++) {
    if (reader.flat >= layout.indexCount) throw new RangeError('bucket outside the layout')
    lastFlat = reader.flat
    lastCount = reader.count
  }
  // The highest bucket first, then the rest from the lowest: the range grows twice, not once per
  // chunk of buckets (which copied the array ~n/32 times and made a restore at precision 3 14 s).
  if (buckets === 0) return
  const add = (flat: number, bucketCount: number): void => {
    const octave = layout.octaveOfFlat(flat)
    into.addAt(octave, flat - layout.flatIndex(octave, 0), maxUs, bucketCount)
  }
  add(lastFlat, lastCount)
  reader.reset(packed, 0, packed.length)
  for (let i = 1; i < buckets && reader.next(); i++) add(reader.flat, reader.count)
  if (minUs < into.minUs) into.minUs = minUs
}

/** Adds a delta from takeHistogramDelta() into `into`; null reads past it (a refused series). */
export function applyHistogramDelta(source: DeltaSource, into: LatencyHistogram | null): void {
  const count = source.f64()
  const minUs = source.f64()
  const maxUs = source.f64()
  const packed = source.bytesView()
  if (into !== null && count > 0) addPackedToHistogram(into, packed, minUs, maxUs)
}

/** Adds a packed bucket list whose values lay in [minUs, maxUs]: counts add exactly. */
function addPackedToHistogram(histogram: LatencyHistogram, packed: Uint8Array, minUs: number, maxUs: number): void {
  const layout = histogram.layout
  const reader = new PackedCountsReader(packed)
  while (reader.next()) {
    const octave = layout.octaveOfFlat(reader.flat)
    histogram.addAt(octave, reader.flat - layout.flatIndex(octave, 0), maxUs, reader.count)
  }
  if (minUs < histogram.minUs) histogram.minUs = minUs
}
