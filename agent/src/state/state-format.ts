// The state file's bytes (docs/state-file.md): a 20-byte header, then a body the header checks.
//   magic "TMSTATE\0" · u32 format version · u32 body length · u32 CRC-32 of the body
//   body: f64 wall-clock ms at the save · u32 --precision · u32 --window · u32 n · n × f64 --buckets
//         · the aggregator's state (aggregate/aggregator-state.ts)
// Little-endian throughout, written with the --workers delta writer (aggregate/delta-bytes.ts).
// The flags in the body are the ones that shape what the figures mean: a file from other ones is
// refused rather than read into histograms of another layout or windows of another length.
import { type RestoredCounts, readAggregatorState, writeAggregatorState } from '../aggregate/aggregator-state.js'
import type { Aggregator } from '../aggregate/aggregator.js'
import { DeltaReader, type DeltaWriter } from '../aggregate/delta-bytes.js'
import { crc32 } from './crc32.js'

const MAGIC = Buffer.from('TMSTATE\0', 'latin1')
export const STATE_FORMAT_VERSION = 1
export const HEADER_BYTES = 20

/** The flags a file must have been written with to be read. */
export interface StateFlags {
  readonly precision: number
  readonly windowSeconds: number
  readonly buckets: readonly number[]
}

export type OpenedState =
  | { readonly kind: 'state'; readonly savedWallMs: number }
  | { readonly kind: 'corrupt'; readonly reason: string }
  /** `flag` as the user would change it, and the file's value of it. */
  | { readonly kind: 'incompatible'; readonly flag: string; readonly fileValue: string }

/** The file's bytes for the aggregator as it is now (nothing in it changes). */
export function encodeState(
  aggregator: Aggregator,
  flags: StateFlags,
  wallMs: number,
  writer: DeltaWriter,
): Uint8Array {
  writer.reset()
  for (let i = 0; i < HEADER_BYTES / 4; i++) writer.u32(0)
  writer.f64(wallMs)
  writer.u32(flags.precision)
  writer.u32(flags.windowSeconds)
  writer.u32(flags.buckets.length)
  for (const bound of flags.buckets) writer.f64(bound)
  writeAggregatorState(aggregator, writer)
  const bytes = writer.finish()
  const header = Buffer.from(bytes.buffer, bytes.byteOffset, HEADER_BYTES)
  MAGIC.copy(header, 0)
  header.writeUInt32LE(STATE_FORMAT_VERSION, 8)
  header.writeUInt32LE(bytes.length - HEADER_BYTES, 12)
  header.writeUInt32LE(crc32(bytes, HEADER_BYTES), 16)
  return bytes
}

/** Checks the header, the checksum and the flags; restoreBody() reads the rest. */
export function openState(bytes: Uint8Array, flags: StateFlags): OpenedState {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (buf.length < HEADER_BYTES) return { kind: 'corrupt', reason: `${buf.length} bytes, shorter than a header` }
  if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) return { kind: 'corrupt', reason: 'not a taskmeter state file' }
  const version = buf.readUInt32LE(8)
  if (version !== STATE_FORMAT_VERSION)
    return { kind: 'incompatible', flag: 'format version', fileValue: String(version) }
  const length = buf.readUInt32LE(12)
  if (length !== buf.length - HEADER_BYTES)
    return { kind: 'corrupt', reason: `body of ${buf.length - HEADER_BYTES} bytes, the header says ${length}` }
  if (crc32(buf, HEADER_BYTES) !== buf.readUInt32LE(16)) return { kind: 'corrupt', reason: 'checksum mismatch' }
  const body = new DeltaReader(buf.subarray(HEADER_BYTES))
  try {
    const savedWallMs = body.f64()
    const precision = body.u32()
    const windowSeconds = body.u32()
    const buckets: number[] = []
    const count = body.u32()
    for (let i = 0; i < count && i < 1024; i++) buckets.push(body.f64())
    if (precision !== flags.precision)
      return { kind: 'incompatible', flag: '--precision', fileValue: String(precision) }
    if (windowSeconds !== flags.windowSeconds)
      return { kind: 'incompatible', flag: '--window', fileValue: String(windowSeconds) }
    if (buckets.join(',') !== flags.buckets.join(','))
      return { kind: 'incompatible', flag: '--buckets', fileValue: buckets.join(',') }
    if (!Number.isFinite(savedWallMs)) return { kind: 'corrupt', reason: 'save time out of range' }
    return { kind: 'state', savedWallMs }
  } catch {
    return { kind: 'corrupt', reason: 'header fields cut short' }
  }
}

/**
 * Reads an opened state's body into an aggregator that holds no series: first through scratch
 * series (a body that throws leaves the aggregator empty), then for real. Throws when it is no state.
 */
export function restoreBody(aggregator: Aggregator, bytes: Uint8Array, elapsedMs: number): RestoredCounts {
  const check = reopen(bytes)
  readAggregatorState(aggregator, check, elapsedMs, true)
  if (!check.done) throw new RangeError('bytes after the last series')
  return readAggregatorState(aggregator, reopen(bytes), elapsedMs)
}

/** A reader at the aggregator's part of an opened body (past the save time and the flags). */
function reopen(bytes: Uint8Array): DeltaReader {
  const body = new DeltaReader(bytes.subarray(HEADER_BYTES))
  body.f64()
  body.u32()
  body.u32()
  const count = body.u32()
  for (let i = 0; i < count; i++) body.f64()
  return body
}
