// The frame of a shard's delta message (shard-delta.ts writes it, shard-merge.ts reads it), around
// what each state type writes of itself (aggregate/delta-bytes.ts): a magic byte, then three sections, each a u32 count and that many items:
// tasks (TaskStats.takeDelta), custom series (CustomSeries.takeDelta), and the in-flight registry
// (InflightRegistry.writeDelta, which counts its own clients). It never leaves the machine, so no
// versioning beyond the magic byte.
import type { DeltaSink, DeltaSource } from '../aggregate/delta-bytes.js'

const DELTA_MAGIC = 0x7a

export function writeFrameHeader(sink: DeltaSink): void {
  sink.u8(DELTA_MAGIC)
}

/** False when the bytes are no delta. (The worker's self-metrics travel keyed beside the bytes.) */
export function readFrameHeader(source: DeltaSource): boolean {
  return source.u8() === DELTA_MAGIC
}
