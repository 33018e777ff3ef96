import * as hdr from 'hdr-histogram-js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BucketLayout, MAX_TRACKABLE_US } from './bucket-layout.js'
import { BucketList } from './bucket-list.js'
import { LatencyHistogram } from './latency-histogram.js'

const PERCENTILES = [0.5, 0.95, 0.99, 0.999]

function ourQuantiles(layout: BucketLayout, values: number[]): number[] {
  const histogram = new LatencyHistogram(layout)
  for (const v of values) histogram.record(v)
  const list = new BucketList()
  histogram.forEachBucket((flat, count) => list.push(flat, count))
  const out = new Float64Array(PERCENTILES.length)
  list.quantilesUs(layout, PERCENTILES, out)
  return [...out]
}

function oracleQuantiles(digits: number, values: number[]): number[] {
  const oracle = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 2 ** 40,
    numberOfSignificantValueDigits: digits as 1 | 2 | 3 | 4 | 5,
    bitBucketSize: 64,
  })
  for (const v of values) oracle.recordValue(v)
  return PERCENTILES.map((p) => oracle.getValueAtPercentile(p * 100))
}

describe('LatencyHistogram', () => {
  it('answers the same percentiles as hdr-histogram-js, for every precision', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: 0, max: 3_600_000_000 }), { minLength: 1, maxLength: 300 }),
        (digits, values) => {
          expect(ourQuantiles(new BucketLayout(digits), values)).toEqual(oracleQuantiles(digits, values))
        },
      ),
      { numRuns: 300 },
    )
  })

  it('stays within 1% of the exact percentile at precision 2', () => {
    const layout = new BucketLayout(2)
    const values: number[] = []
    for (let i = 0; i < 10_000; i++) values.push(Math.round(1000 * Math.exp(2 + Math.sin(i) * 2)))
    const sorted = [...values].sort((a, b) => a - b)
    const ours = ourQuantiles(layout, values)
    PERCENTILES.forEach((p, i) => {
      const exact = sorted[Math.ceil(p * sorted.length) - 1] ?? 0
      expect(Math.abs((ours[i] ?? 0) - exact) / exact).toBeLessThanOrEqual(0.01)
    })
  })

  it('counts values at or below le thresholds, exact on bucket boundaries', () => {
    const layout = new BucketLayout(2)
    const histogram = new LatencyHistogram(layout)
    for (const v of [500, 1000, 1000, 4999, 5000, 5100, 10_000, 2_000_000]) histogram.record(v)
    const list = new BucketList()
    histogram.forEachBucket((flat, count) => list.push(flat, count))
    const out = new Float64Array(4)
    list.countsAtOrBelow(
      new Float64Array([1000, 5000, 10_000, 1_000_000].map((us) => layout.flatIndexOfValue(us))),
      out,
    )
    expect([...out]).toEqual([3, 5, 7, 7])
  })

  it('keeps counting past 2^32 in one bucket', () => {
    const histogram = new LatencyHistogram(new BucketLayout(2))
    histogram.recordCount(100, 0xffffffff)
    histogram.recordCount(100, 5)
    let seen = 0
    histogram.forEachBucket((_flat, count) => {
      seen += count
    })
    expect(seen).toBe(0xffffffff + 5)
    expect(histogram.totalCount).toBe(0xffffffff + 5)
  })

  it('holds only the range in use: a narrow latency mix stays small', () => {
    const histogram = new LatencyHistogram(new BucketLayout(2))
    for (let i = 0; i < 10_000; i++) histogram.record(5_000 + (i % 5_000))
    expect(histogram.footprintBytes()).toBeLessThan(2_000)
  })

  it('carries counts past 65 535 into high halves and grows its range both ways, losing nothing', () => {
    const layout = new BucketLayout(2)
    const histogram = new LatencyHistogram(layout)
    histogram.recordCount(20_000, 70_000)
    const narrow = histogram.footprintBytes()
    histogram.record(3)
    histogram.record(9_000_000)
    histogram.recordCount(20_000, 1)
    const seen: Array<[number, number]> = []
    histogram.forEachBucket((flat, count) => {
      seen.push([flat, count])
    })
    expect(seen).toEqual([
      [layout.flatIndexOfValue(3), 1],
      [layout.flatIndexOfValue(20_000), 70_001],
      [layout.flatIndexOfValue(9_000_000), 1],
    ])
    expect(histogram.footprintBytes()).toBeGreaterThan(narrow)
    histogram.release()
    expect(histogram.footprintBytes()).toBe(64)
  })

  it('clamps values above the tracked range to its top bucket', () => {
    const layout = new BucketLayout(2)
    const histogram = new LatencyHistogram(layout)
    histogram.record(MAX_TRACKABLE_US * 4)
    const flats: number[] = []
    histogram.forEachBucket((flat) => {
      flats.push(flat)
    })
    expect(flats).toEqual([layout.flatIndexOfValue(MAX_TRACKABLE_US)])
    expect(histogram.maxUs).toBe(MAX_TRACKABLE_US)
  })
})
