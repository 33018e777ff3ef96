import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Aggregator } from './aggregator.js'
import { BucketLayout, msToUs } from './bucket-layout.js'
import { BucketList } from './bucket-list.js'
import { addPackedCounts, packCounts } from './compact-counts.js'
import { LatencyHistogram } from './latency-histogram.js'
import { SLOT_COUNT } from './sliding-window.js'
import { QUANTILES, TaskFigures } from './task-figures.js'

interface Timed {
  offsetMs: number
  durationUs: number
  weight: number
  failed: boolean
}

function bucketsOf(histogram: LatencyHistogram): Array<[number, number]> {
  const out: Array<[number, number]> = []
  histogram.forEachBucket((flat, count) => {
    out.push([flat, count])
  })
  return out
}

function listBuckets(list: BucketList): Array<[number, number]> {
  const out: Array<[number, number]> = []
  for (let i = 0; i < list.length; i++) out.push([list.flats[i] ?? 0, list.counts[i] ?? 0])
  return out
}

function denseBuckets(dense: Float64Array): Array<[number, number]> {
  const out: Array<[number, number]> = []
  for (let flat = 0; flat < dense.length; flat++) if (dense[flat] !== 0) out.push([flat, dense[flat] ?? 0])
  return out
}

const timedArb = fc.record({
  offsetMs: fc.integer({ min: 0, max: 1_000_000 }),
  durationUs: fc.oneof(fc.integer({ min: 0, max: 3_600_000_000 }), fc.integer({ min: 500, max: 500_000 })),
  weight: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 1_000 })),
  failed: fc.boolean(),
})

describe('windowed percentiles', () => {
  it('equal the percentiles of one histogram fed the same values, when all are inside the window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3_600 }),
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.array(timedArb, { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (precision, windowSeconds, startMs, timed, readSlack) => {
          let nowMs = startMs
          const aggregator = new Aggregator({ windowSeconds, precision, maxSeries: 10, now: () => nowMs })
          const task = aggregator.task('t', null)
          if (task === null) throw new Error('series cap reached')
          // Records and the read all fall within 11 slots of the first record, so every slot is live.
          const spanMs = ((SLOT_COUNT - 1) * windowSeconds * 1000) / SLOT_COUNT
          const offsets = timed.map((t) => (t.offsetMs / 1_000_000) * spanMs * 0.999).sort((a, b) => a - b)
          const oracle = new LatencyHistogram(aggregator.layout)
          let requests = 0
          let errors = 0
          let sumMs = 0
          for (let i = 0; i < timed.length; i++) {
            const t = timed[i] as Timed
            nowMs = startMs + (offsets[i] ?? 0)
            const durationMs = t.durationUs / 1000
            aggregator.recordRequest(task, durationMs, t.failed, t.weight)
            oracle.recordCount(msToUs(durationMs), t.weight)
            requests += t.weight
            if (t.failed) errors += t.weight
            sumMs += durationMs * t.weight
          }
          const lastMs = offsets[offsets.length - 1] ?? 0
          nowMs = startMs + lastMs + readSlack * (spanMs * 0.999 - lastMs)

          const figures = new TaskFigures(aggregator)
          const windowed = new Float64Array(QUANTILES.length)
          figures.readWindow(task, windowed)
          const windowBuckets = listBuckets(figures.buckets)

          const expected = new Float64Array(QUANTILES.length)
          const oracleList = new BucketList()
          oracle.forEachBucket((flat, count) => oracleList.push(flat, count))
          oracleList.quantilesUs(aggregator.layout, QUANTILES, expected)

          expect(windowBuckets).toEqual(bucketsOf(oracle))
          expect([...windowed]).toEqual([...expected])
          expect(figures.totals.requests).toBe(requests)
          expect(figures.totals.errors).toBe(errors)
          expect(Math.abs(figures.totals.sumMs - sumMs)).toBeLessThanOrEqual(1e-9 * Math.max(1, sumMs))
          expect(figures.windowMaxUs()).toBe(
            aggregator.layout.highestOfFlat((bucketsOf(oracle).at(-1) as [number, number])[0]),
          )
          // The cumulative histogram saw the same values.
          expect(bucketsOf(task.histogram)).toEqual(bucketsOf(oracle))
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe('packed window slots (compact-counts)', () => {
  const valuesArb = fc.array(
    fc.record({
      valueUs: fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 5_000 })),
      count: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 0xffffffff })),
    }),
    { maxLength: 300 },
  )

  it('round-trip every bucket and count, counts past 2^32 included', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), valuesArb, (precision, values) => {
        const layout = new BucketLayout(precision)
        const histogram = new LatencyHistogram(layout)
        for (const { valueUs, count } of values) histogram.recordCount(valueUs, count)
        const packed = packCounts(histogram)
        const dense = new Float64Array(layout.indexCount)
        const touched = { min: Infinity, max: -1 }
        addPackedCounts(packed, 0, packed.length, dense, touched)
        const expected = bucketsOf(histogram)
        expect(denseBuckets(dense)).toEqual(expected)
        if (expected.length === 0) {
          expect(packed.length).toBe(0)
          expect(touched).toEqual({ min: Infinity, max: -1 })
        } else {
          expect(touched.min).toBe((expected[0] as [number, number])[0])
          expect(touched.max).toBe((expected[expected.length - 1] as [number, number])[0])
        }
      }),
      { numRuns: 500 },
    )
  })

  it('add into what the dense array already holds, and each packed slot owns its bytes', () => {
    fc.assert(
      fc.property(valuesArb, valuesArb, (first, second) => {
        const layout = new BucketLayout(2)
        const a = new LatencyHistogram(layout)
        const b = new LatencyHistogram(layout)
        const both = new LatencyHistogram(layout)
        for (const { valueUs, count } of first) {
          a.recordCount(valueUs, count)
          both.recordCount(valueUs, count)
        }
        for (const { valueUs, count } of second) {
          b.recordCount(valueUs, count)
          both.recordCount(valueUs, count)
        }
        const packedA = packCounts(a)
        const copyA = packedA.slice()
        const packedB = packCounts(b)
        // Packing b reuses the module scratch: a's result must not change.
        expect(packedA).toEqual(copyA)
        const dense = new Float64Array(layout.indexCount)
        const touched = { min: Infinity, max: -1 }
        addPackedCounts(packedA, 0, packedA.length, dense, touched)
        addPackedCounts(packedB, 0, packedB.length, dense, touched)
        expect(denseBuckets(dense)).toEqual(bucketsOf(both))
      }),
      { numRuns: 300 },
    )
  })

  it('round-trip a slot larger than the initial 4 KB scratch', () => {
    const layout = new BucketLayout(3)
    const histogram = new LatencyHistogram(layout)
    for (let valueUs = 0; valueUs < 6_000; valueUs++) histogram.recordCount(valueUs, 1 + valueUs * 1_000)
    const packed = packCounts(histogram)
    expect(packed.length).toBeGreaterThan(4096)
    const dense = new Float64Array(layout.indexCount)
    addPackedCounts(packed, 0, packed.length, dense, { min: Infinity, max: -1 })
    expect(denseBuckets(dense)).toEqual(bucketsOf(histogram))
  })
})
