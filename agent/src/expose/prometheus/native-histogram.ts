// Prometheus native (sparse exponential) histograms derived at scrape time from an HDR bucket list:
// nothing is kept per event beyond the HDR counts. Native bucket i of schema s holds values in
// (2^((i−1)·2^−s), 2^(i·2^−s)] seconds; buckets of schema s−1 are exact unions of bucket pairs of
// schema s (j = ceil(i/2)), which is how series of different schemas merge in Prometheus.
// Spec: https://prometheus.io/docs/specs/native_histograms/
//
// Each HDR bucket (integer values lo..hi) goes whole to the native bucket holding its midpoint. An
// HDR bucket that straddles a native boundary is off by at most half its width, so a quantile
// that Prometheus interpolates inside native bucket i is within base·(1 + 1/(2·half)) − 1 of the
// exact value (base = 2^(2^−s); `half` HDR sub-buckets per octave): nativeErrorBound().
import type { BucketLayout } from '../../aggregate/bucket-layout.js'
import type { BucketList } from '../../aggregate/bucket-list.js'

export const NATIVE_SCHEMA_MIN = -4
export const NATIVE_SCHEMA_MAX = 8
/** client_golang's default zero threshold. Positive, so Prometheus 2.42 takes even an empty
 * series as native (it looks only at the first series of a family: zero_threshold > 0 or buckets). */
export const NATIVE_ZERO_THRESHOLD = 2 ** -128
const EMPTY_TABLE = new Int32Array(0)

export interface NativeSettings {
  /** Schema to start from (−4..8); a series whose buckets exceed maxBuckets gets a lower one. */
  readonly schema: number
  readonly maxBuckets: number
}

/**
 * The finest schema whose buckets are no narrower than the HDR sub-buckets: an octave holds
 * `half` HDR sub-buckets and 2^s native buckets, so s = log2(half), capped at 8. Finer native
 * buckets would carry no information the HDR counts do not have and would leave empty gaps.
 * Precision 1 → 4, precision 2 → 7, precision 3..5 → 8.
 */
export function defaultNativeSchema(layout: BucketLayout): number {
  return Math.min(NATIVE_SCHEMA_MAX, layout.subBits - 1)
}

/** Relative error bound of histogram_quantile over native buckets of `schema` derived from `layout`. */
export function nativeErrorBound(schema: number, layout: BucketLayout): number {
  return 2 ** (2 ** -schema) * (1 + 1 / (2 * layout.half)) - 1
}

/** Native bucket index at schema 8 of a positive value in seconds (upper bounds inclusive). */
export function schema8Index(seconds: number): number {
  let index = Math.ceil(Math.log2(seconds) * 256)
  // Math.log2 may be one ulp off next to a boundary; settle against the boundaries themselves.
  if (seconds <= 2 ** ((index - 1) / 256)) index--
  else if (seconds > 2 ** (index / 256)) index++
  return index
}

/** Index at a lower schema: buckets merge in pairs per step, j = ceil(i / 2^(8 − schema)). */
export function downscaleIndex(index8: number, schema: number): number {
  const shift = NATIVE_SCHEMA_MAX - schema
  return (index8 + (1 << shift) - 1) >> shift
}

/** Flat HDR index → schema-8 index of the bucket's midpoint, filled per octave on first use. */
export class NativeIndexTable {
  readonly layout: BucketLayout
  /** Stored units per second: 1e6 for µs durations, 1000 for custom milli-units. */
  private readonly unitsPerSecond: number
  private readonly octaves: Array<Int32Array | null>

  constructor(layout: BucketLayout, unitsPerSecond: number) {
    this.layout = layout
    this.unitsPerSecond = unitsPerSecond
    this.octaves = new Array<Int32Array | null>(layout.octaveCount).fill(null)
  }

  /** Schema-8 index of flat bucket `flat`; flat 0 (value 0) belongs to the zero bucket instead. */
  index8(flat: number): number {
    const octave = this.layout.octaveOfFlat(flat)
    return this.octaveTable(octave)[flat - this.layout.flatIndex(octave, 0)] ?? 0
  }

  /** Schema-8 indexes of one octave's buckets, by slot. */
  octaveTable(octave: number): Int32Array {
    const layout = this.layout
    let table = this.octaves[octave]
    if (table === null || table === undefined) {
      table = new Int32Array(layout.octaveLength(octave))
      const base = layout.flatIndex(octave, 0)
      for (let slot = 0; slot < table.length; slot++) {
        const midpoint = (layout.lowestOfFlat(base + slot) + layout.highestOfFlat(base + slot)) / 2
        table[slot] = midpoint === 0 ? 0 : schema8Index(midpoint / this.unitsPerSecond)
      }
      this.octaves[octave] = table
    }
    return table
  }
}

/** One series' native buckets (scratch, reused for every series of a render). */
export class NativeBuckets {
  schema: number
  zeroCount: number
  /** Populated buckets at `schema`, ascending index. */
  indexes: Int32Array
  counts: Float64Array
  length: number
  private scratchIndexes: Int32Array
  private scratchCounts: Float64Array

  constructor(capacity = 512) {
    this.schema = 0
    this.zeroCount = 0
    this.indexes = new Int32Array(capacity)
    this.counts = new Float64Array(capacity)
    this.length = 0
    this.scratchIndexes = new Int32Array(capacity)
    this.scratchCounts = new Float64Array(capacity)
  }

  /**
   * Loads the buckets of an HDR bucket list (ascending flats). The schema starts at
   * settings.schema and drops one step (merging bucket pairs) while more than maxBuckets buckets
   * hold observations; schema −4 is the floor (at most 4 buckets there: 1 µs..2^40 µs).
   */
  load(list: BucketList, table: NativeIndexTable, settings: NativeSettings): void {
    if (this.scratchIndexes.length < list.length) {
      this.scratchIndexes = new Int32Array(list.length * 2)
      this.scratchCounts = new Float64Array(list.length * 2)
    }
    const idx8 = this.scratchIndexes
    const cnt = this.scratchCounts
    let n = 0
    this.zeroCount = 0
    const layout = table.layout
    // The list is ascending: look up an octave's table once for all its buckets.
    let octaveBase = 0
    let octaveEnd = -1
    let octaveTable: Int32Array = EMPTY_TABLE
    for (let i = 0; i < list.length; i++) {
      const flat = list.flats[i] ?? 0
      const count = list.counts[i] ?? 0
      if (flat === 0) {
        this.zeroCount += count
        continue
      }
      if (flat >= octaveEnd) {
        const octave = layout.octaveOfFlat(flat)
        octaveTable = table.octaveTable(octave)
        octaveBase = layout.flatIndex(octave, 0)
        octaveEnd = octaveBase + octaveTable.length
      }
      const index = octaveTable[flat - octaveBase] ?? 0
      // Midpoints grow with the flat index, so equal indexes are adjacent.
      if (n > 0 && idx8[n - 1] === index) cnt[n - 1] = (cnt[n - 1] ?? 0) + count
      else {
        idx8[n] = index
        cnt[n++] = count
      }
    }
    let schema = settings.schema
    // Fewer distinct schema-8 indexes than the cap: no schema can exceed it.
    if (n > settings.maxBuckets)
      while (schema > NATIVE_SCHEMA_MIN && exceeds(idx8, n, schema, settings.maxBuckets)) schema--
    this.schema = schema
    if (this.indexes.length < n) {
      this.indexes = new Int32Array(n * 2)
      this.counts = new Float64Array(n * 2)
    }
    let length = 0
    const shift = NATIVE_SCHEMA_MAX - schema
    const round = (1 << shift) - 1
    for (let i = 0; i < n; i++) {
      const index = ((idx8[i] ?? 0) + round) >> shift
      if (length > 0 && this.indexes[length - 1] === index)
        this.counts[length - 1] = (this.counts[length - 1] ?? 0) + (cnt[i] ?? 0)
      else {
        this.indexes[length] = index
        this.counts[length++] = cnt[i] ?? 0
      }
    }
    this.length = length
  }
}

/** More than `cap` distinct indexes at `schema`? (stops counting at cap + 1) */
function exceeds(idx8: Int32Array, n: number, schema: number, cap: number): boolean {
  const shift = NATIVE_SCHEMA_MAX - schema
  const round = (1 << shift) - 1
  let distinct = 0
  let previous = 0
  for (let i = 0; i < n; i++) {
    const index = ((idx8[i] ?? 0) + round) >> shift
    if (i === 0 || index !== previous) {
      if (++distinct > cap) return true
    }
    previous = index
  }
  return false
}

/**
 * Calls span(offset, length) for each run of consecutive indexes (the first offset is the first
 * index, later ones the gap since the previous span) — the BucketSpan encoding. An empty
 * histogram gets one no-op span (0, 0): newer Prometheus reads that as "native, no observations".
 */
export function forEachSpan(buckets: NativeBuckets, span: (offset: number, length: number) => void): void {
  if (buckets.length === 0) {
    span(0, 0)
    return
  }
  let start = 0
  let offset = buckets.indexes[0] ?? 0
  for (let i = 1; i <= buckets.length; i++) {
    if (i === buckets.length || buckets.indexes[i] !== (buckets.indexes[i - 1] ?? 0) + 1) {
      span(offset, i - start)
      if (i < buckets.length) offset = (buckets.indexes[i] ?? 0) - (buckets.indexes[i - 1] ?? 0) - 1
      start = i
    }
  }
}
