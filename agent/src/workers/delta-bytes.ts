// The frame of a shard's delta message (shard-delta.ts writes it, shard-merge.ts reads it), around
// what each state type writes of itself (aggregate/delta-bytes.ts): a magic byte, the worker's
// self-metric vector (shard-stats.ts), then three sections, each a u32 count and that many items:
// tasks (TaskStats.takeDelta), custom series (CustomSeries.takeDelta), and the in-flight registry
// (InflightRegistry.writeDelta, which counts its own clients). It never leaves the machine, so no
// versioning beyond the magic byte.
import type { DeltaSink, DeltaSource } from '../aggregate/delta-bytes.js'

const DELTA_MAGIC = 0x7a

export function writeFrameHeader(sink: DeltaSink, stats: Float64Array): void {
  sink.u8(DELTA_MAGIC)
  sink.u32(stats.length)
  for (let i = 0; i < stats.length; i++) sink.f64(stats[i] ?? 0)
}

/** The worker's stats vector, or null when the bytes are no delta. */
export function readFrameHeader(source: DeltaSource): Float64Array | null {
  if (source.u8() !== DELTA_MAGIC) return null
  const stats = new Float64Array(source.u32())
  for (let i = 0; i < stats.length; i++) stats[i] = source.f64()
  return stats
}
