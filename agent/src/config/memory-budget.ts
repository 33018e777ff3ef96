// Worst-case memory of the series the agent may hold, checked against --max-memory at start so
// that a configuration that cannot fit fails at once, not later when traffic fills it. A "busy"
// series is one whose latencies span 8 octaves (a 256× range, e.g. 1 ms to 256 ms) with every
// bucket of that span hit in every window slot: the cumulative histogram and the live slot hold
// 8 dense octaves each, and each of the 11 closed slots packs every bucket at ~2.5 bytes. Values
// spread wider than 256× cost more; nothing realistic does.
import { BucketLayout } from '../aggregate/bucket-layout.js'
import { SLOT_COUNT } from '../aggregate/sliding-window.js'

const BUSY_OCTAVES = 8
const PACKED_BYTES_PER_BUCKET = 2.5
const FIXED_BYTES_PER_SERIES = 1536 // objects, maps, labels, cache entries

export function bytesPerSeries(precision: number): number {
  const layout = new BucketLayout(precision)
  const denseOctaves = BUSY_OCTAVES * layout.half * 4
  return Math.ceil(
    2 * denseOctaves + (SLOT_COUNT - 1) * BUSY_OCTAVES * layout.half * PACKED_BYTES_PER_BUCKET + FIXED_BYTES_PER_SERIES,
  )
}

/** Baseline of the process itself (Node, fastify, prom-client) before any series. */
export const BASE_PROCESS_BYTES = 64 * 1024 * 1024

export function worstCaseBytes(precision: number, maxSeries: number): number {
  return BASE_PROCESS_BYTES + maxSeries * bytesPerSeries(precision)
}

export function formatMiB(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1) + ' MiB'
}
