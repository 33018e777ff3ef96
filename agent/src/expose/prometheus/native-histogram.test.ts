// Native buckets from HDR buckets: hand-computed spans and deltas at schemas 0, 3, 5 and 8, the
// default schema per precision, and down-scaling under --native-max-buckets by exact pair merges.
import { describe, expect, it } from 'vitest'
import { BucketLayout } from '../../aggregate/bucket-layout.js'
import { BucketList } from '../../aggregate/bucket-list.js'
import {
  NativeBuckets,
  NativeIndexTable,
  defaultNativeSchema,
  downscaleIndex,
  forEachSpan,
  nativeErrorBound,
  schema8Index,
} from './native-histogram.js'

const layout = new BucketLayout(2)
const table = new NativeIndexTable(layout, 1e6)

function listOf(entries: Array<[number, number]>): BucketList {
  const list = new BucketList()
  for (const [us, count] of entries) list.push(layout.flatIndexOfValue(us), count)
  return list
}

function spansOf(buckets: NativeBuckets): Array<[number, number]> {
  const out: Array<[number, number]> = []
  forEachSpan(buckets, (offset, length) => out.push([offset, length]))
  return out
}

function deltasOf(buckets: NativeBuckets): number[] {
  const out: number[] = []
  for (let i = 0; i < buckets.length; i++)
    out.push((buckets.counts[i] ?? 0) - (i === 0 ? 0 : (buckets.counts[i - 1] ?? 0)))
  return out
}

// 2 × 0 µs, 1 × 100 µs, 4 × 1000..1003 µs, 5 × 3000 µs, 7 × 250 ms. At precision 2 (256 sub-buckets,
// half = 128): 100 µs is exact (octave 0); 1000 µs is HDR bucket [1000, 1003] (octave 2, width 4),
// midpoint 1001.5 µs; 3000 µs is [2992, 3007], midpoint 2999.5 µs; 250 000 µs is [249856, 250879],
// midpoint 250367.5 µs. Native index at schema s = ceil(log2(seconds) · 2^s):
//   log2(0.0001) = −13.2877 → s0 −13, s3 −106, s5 −425, s8 −3401
//   log2(0.0010015) = −9.9638 → s0 −9, s3 −79, s5 −318, s8 −2550
//   log2(0.0029995) = −8.3810 → s0 −8, s3 −67, s5 −268, s8 −2145
//   log2(0.2503675) = −1.9979 → s0 −1, s3 −15, s5 −63, s8 −511
const MIX: Array<[number, number]> = [
  [0, 2],
  [100, 1],
  [1000, 3],
  [1003, 1],
  [3000, 5],
  [250_000, 7],
]

function mixList(): BucketList {
  // 1000 and 1003 µs share one HDR bucket: a BucketList holds each flat once.
  const list = new BucketList()
  const merged = new Map<number, number>()
  for (const [us, count] of MIX)
    merged.set(layout.flatIndexOfValue(us), (merged.get(layout.flatIndexOfValue(us)) ?? 0) + count)
  for (const [flat, count] of [...merged].sort((a, b) => a[0] - b[0])) list.push(flat, count)
  return list
}

describe('native buckets from HDR buckets, hand-computed', () => {
  const cases: Array<[number, Array<[number, number]>]> = [
    [
      0,
      [
        [-13, 1],
        [3, 2],
        [6, 1],
      ],
    ],
    [
      3,
      [
        [-106, 1],
        [26, 1],
        [11, 1],
        [51, 1],
      ],
    ],
    [
      5,
      [
        [-425, 1],
        [106, 1],
        [49, 1],
        [204, 1],
      ],
    ],
    [
      8,
      [
        [-3401, 1],
        [850, 1],
        [404, 1],
        [1633, 1],
      ],
    ],
  ]
  for (const [schema, spans] of cases) {
    it(`schema ${schema}: spans ${JSON.stringify(spans)}, deltas 1, 3, 1, 2, zero count 2`, () => {
      const buckets = new NativeBuckets()
      buckets.load(mixList(), table, { schema, maxBuckets: 160 })
      expect(buckets.schema).toBe(schema)
      expect(buckets.zeroCount).toBe(2)
      expect(spansOf(buckets)).toEqual(spans)
      expect(deltasOf(buckets)).toEqual([1, 3, 1, 2])
    })
  }

  it('an empty series keeps the schema and gets one no-op span', () => {
    const buckets = new NativeBuckets()
    buckets.load(new BucketList(), table, { schema: 7, maxBuckets: 160 })
    expect([buckets.schema, buckets.zeroCount, buckets.length]).toEqual([7, 0, 0])
    expect(spansOf(buckets)).toEqual([[0, 0]])
  })

  it('puts values on a power of two in the bucket they close (upper bounds inclusive)', () => {
    expect(schema8Index(0.015625)).toBe(-6 * 256) // 2^-6 s closes bucket −1536
    expect(schema8Index(0.015625 * 1.0000001)).toBe(-6 * 256 + 1)
    expect(schema8Index(1)).toBe(0)
    expect(downscaleIndex(-3, 7)).toBe(-1) // ceil(−3/2)
    expect(downscaleIndex(-4, 7)).toBe(-2)
    expect(downscaleIndex(5, 0)).toBe(1) // ceil(5/256)
    expect(downscaleIndex(-256, 0)).toBe(-1)
  })
})

describe('the default schema and its error bound', () => {
  it('is the finest schema no finer than the HDR sub-buckets: precision 1 → 4, 2 → 7, 3..5 → 8', () => {
    expect([1, 2, 3, 4, 5].map((p) => defaultNativeSchema(new BucketLayout(p)))).toEqual([4, 7, 8, 8, 8])
  })

  it('bounds histogram_quantile by base·(1 + 1/(2·half)) − 1', () => {
    expect(nativeErrorBound(0, layout)).toBeCloseTo(2 * (1 + 1 / 256) - 1, 12)
    expect(nativeErrorBound(3, layout)).toBeCloseTo(0.0948, 4)
    expect(nativeErrorBound(7, layout)).toBeCloseTo(0.00936, 4)
  })
})

describe('down-scaling under --native-max-buckets', () => {
  // Every HDR bucket of 1.024..2.048 ms (octave 3: 128 buckets of 8 µs), count = position + 1.
  const entries: Array<[number, number]> = []
  for (let slot = 0; slot < 128; slot++) entries.push([1024 + slot * 8, slot + 1])

  it('lowers the schema until at most maxBuckets buckets hold data, merging pairs exactly', () => {
    const full = new NativeBuckets()
    full.load(listOf(entries), table, { schema: 8, maxBuckets: 100_000 })
    expect(full.schema).toBe(8)
    const total = entries.reduce((sum, [, c]) => sum + c, 0)
    for (const cap of [100, 40, 20, 10, 4]) {
      const capped = new NativeBuckets()
      capped.load(listOf(entries), table, { schema: 8, maxBuckets: cap })
      expect(capped.length, `cap ${cap}`).toBeLessThanOrEqual(cap)
      // One schema higher would not fit (the schema is the highest that does).
      const finer = new NativeBuckets()
      finer.load(listOf(entries), table, { schema: capped.schema + 1, maxBuckets: 100_000 })
      expect(finer.length, `cap ${cap}`).toBeGreaterThan(cap)
      // Each bucket is the sum of the schema-8 buckets j = ceil(i / 2^(8 − schema)) maps to it.
      const expected = new Map<number, number>()
      for (let i = 0; i < full.length; i++) {
        const j = Math.ceil((full.indexes[i] ?? 0) / 2 ** (8 - capped.schema))
        expected.set(j, (expected.get(j) ?? 0) + (full.counts[i] ?? 0))
      }
      const got = new Map<number, number>()
      for (let i = 0; i < capped.length; i++) got.set(capped.indexes[i] ?? 0, capped.counts[i] ?? 0)
      expect(got).toEqual(expected)
      expect([...got.values()].reduce((a, b) => a + b, 0)).toBe(total)
    }
  })

  it('at a cap of 10 the 1.024–2.048 ms octave lands on schema 3 (8 buckets per octave, crossing 2^-9 s)', () => {
    const capped = new NativeBuckets()
    capped.load(listOf(entries), table, { schema: 7, maxBuckets: 10 })
    expect(capped.schema).toBe(3)
    expect(capped.length).toBe(9)
  })
})
