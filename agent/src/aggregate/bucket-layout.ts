// HdrHistogram's log-linear bucket layout (unit 1 µs), shared by the cumulative latency histogram
// and the sliding-window counts so that both answer with the same precision.
//
// Octave 0 holds values 0..subCount−1 exactly. Octave k ≥ 1 holds [subCount·2^(k−1), subCount·2^k)
// in `half` sub-buckets of width 2^k. With subCount = 2^ceil(log2(2·10^digits)) every value is
// represented within 10^−digits relative error, as in HdrHistogram.

/** Largest value we track, in µs (2^40 µs ≈ 12.7 days); larger values are clamped to it. */
export const MAX_TRACKABLE_US = 2 ** 40

export class BucketLayout {
  readonly significantDigits: number
  readonly subBits: number
  readonly subCount: number
  readonly half: number
  /** Octaves 0..octaveCount−1 cover 0..MAX_TRACKABLE_US. */
  readonly octaveCount: number
  /** Number of flat indexes: subCount + (octaveCount − 1) · half. */
  readonly indexCount: number

  constructor(significantDigits: number) {
    this.significantDigits = significantDigits
    this.subBits = Math.ceil(Math.log2(2 * 10 ** significantDigits))
    this.subCount = 2 ** this.subBits
    this.half = this.subCount / 2
    this.octaveCount = 40 - this.subBits + 2
    this.indexCount = this.subCount + (this.octaveCount - 1) * this.half
  }

  /** Octave of an integer value in µs (0 ≤ valueUs ≤ MAX_TRACKABLE_US). */
  octaveOf(valueUs: number): number {
    if (valueUs < this.subCount) return 0
    const log2 = valueUs < 4294967296 ? 31 - Math.clz32(valueUs) : 63 - Math.clz32(Math.floor(valueUs / 4294967296))
    return log2 - this.subBits + 1
  }

  /** Position inside its octave's array. */
  slotOf(valueUs: number, octave: number): number {
    if (octave === 0) return valueUs
    // Shifts for 32-bit values (all durations under 71 minutes): 2** and a division cost ~3×.
    return (valueUs < 4294967296 ? valueUs >>> octave : Math.floor(valueUs / 2 ** octave)) - this.half
  }

  /** Flat index of the bucket holding a value in µs (clamped to the tracked range). */
  flatIndexOfValue(valueUs: number): number {
    const v = valueUs > MAX_TRACKABLE_US ? MAX_TRACKABLE_US : valueUs < 0 ? 0 : Math.floor(valueUs)
    const octave = this.octaveOf(v)
    return this.flatIndex(octave, this.slotOf(v, octave))
  }

  /** Flat index (octave, slot) → one integer, for sparse storage. */
  flatIndex(octave: number, slot: number): number {
    return octave === 0 ? slot : this.subCount + (octave - 1) * this.half + slot
  }

  octaveOfFlat(flat: number): number {
    return flat < this.subCount ? 0 : Math.floor((flat - this.subCount) / this.half) + 1
  }

  /** Smallest value in µs that maps to this flat index. */
  lowestOfFlat(flat: number): number {
    if (flat < this.subCount) return flat
    const octave = Math.floor((flat - this.subCount) / this.half) + 1
    const slot = (flat - this.subCount) % this.half
    return (slot + this.half) * 2 ** octave
  }

  /** Largest value in µs that maps to this flat index (what HdrHistogram reports for a percentile). */
  highestOfFlat(flat: number): number {
    if (flat < this.subCount) return flat
    const octave = Math.floor((flat - this.subCount) / this.half) + 1
    return this.lowestOfFlat(flat) + 2 ** octave - 1
  }

  /** Size of the octave's array. */
  octaveLength(octave: number): number {
    return octave === 0 ? this.subCount : this.half
  }
}

/** ms (float) → µs (integer, clamped), the unit every histogram records in. */
export function msToUs(durationMs: number): number {
  const us = Math.round(durationMs * 1000)
  return us > MAX_TRACKABLE_US ? MAX_TRACKABLE_US : us
}
