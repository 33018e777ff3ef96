// The exemplar store: one slot per `le` bucket (then +Inf), the latest exemplar wins its slot,
// nothing is allocated before a task's first exemplar, and the bytes are what README states.
import { describe, expect, it } from 'vitest'
import { Aggregator } from './aggregator.js'
import { ExemplarRecorder, exemplarFigures } from './exemplar-recorder.js'
import { EXEMPLAR_SLOT_BYTES, ExemplarStore, exemplarStoreBytes } from './exemplar-store.js'

const BOUNDS = [0.001, 0.01, 0.1, 1]
const ids = (first: number): Uint8Array => Uint8Array.from({ length: 24 }, (_, i) => (first + i) & 0xff)

function task(aggregator = new Aggregator({ windowSeconds: 60, precision: 2, maxSeries: 10, now: () => 1 })) {
  const t = aggregator.task('job', null)
  if (t === null) throw new Error('no task')
  return t
}

describe('ExemplarStore', () => {
  it('puts a duration in the first bucket whose bound holds it (le is inclusive), past the last in +Inf', () => {
    const store = new ExemplarStore(BOUNDS)
    expect(store.slots).toBe(5)
    expect([0, 1, 1.0001, 10, 100, 1000, 1000.5, 1e9].map((ms) => store.slotOf(ms))).toEqual([0, 0, 1, 1, 2, 3, 4, 4])
  })

  it('keeps the latest exemplar of each bucket and finds the slowest still inside a window', () => {
    const store = new ExemplarStore(BOUNDS)
    store.record(50, ids(1), 0, 1_000)
    store.record(60, ids(2), 0, 2_000)
    store.record(5, ids(3), 0, 3_000)
    expect(store.has(2) && store.has(1) && !store.has(0)).toBe(true)
    expect(store.valuesMs[2]).toBe(60)
    expect(store.traceIdHex(2)).toBe(Buffer.from(ids(2).subarray(0, 16)).toString('hex'))
    expect(store.spanIdHex(2)).toBe(Buffer.from(ids(2).subarray(16)).toString('hex'))
    expect(store.slowestSince(0)).toBe(2)
    expect(store.slowestSince(2_500)).toBe(1)
    expect(store.slowestSince(3_001)).toBe(-1)
  })

  it('costs 40 bytes a slot plus a fixed overhead', () => {
    expect(EXEMPLAR_SLOT_BYTES).toBe(40)
    expect(new ExemplarStore(BOUNDS).footprintBytes()).toBe(exemplarStoreBytes(4))
    expect(exemplarStoreBytes(12) - exemplarStoreBytes(11)).toBe(40)
  })
})

describe('ExemplarRecorder', () => {
  it('makes a store at a task first exemplar only, with the flags bounds or the rule own', () => {
    const recorder = new ExemplarRecorder(BOUNDS, () => 5_000)
    const t = task()
    expect(t.exemplars).toBeNull()
    recorder.recordTask(t, 2, ids(0))
    expect(t.exemplars?.bounds).toBe(BOUNDS)
    expect(t.exemplars?.unixMs[1]).toBe(5_000)
    const own = [0.5]
    t.settings = { help: null, ttlMs: null, bucketsSeconds: own }
    recorder.recordTask(t, 2, ids(0))
    expect(t.exemplars?.bounds).toBe(own)
    expect(recorder.recorded).toBe(2)
  })

  it('keeps no exemplar for a duration the histogram refuses', () => {
    const recorder = new ExemplarRecorder(BOUNDS)
    const t = task()
    recorder.recordTask(t, Number.NaN, ids(0))
    recorder.recordTask(t, 2 ** 40, ids(0))
    recorder.recordTask(t, -1, ids(0))
    expect(t.exemplars).toBeNull()
    expect(recorder.recorded).toBe(0)
  })

  it('shows how many it kept and the bytes the tasks hold', () => {
    const aggregator = new Aggregator({ windowSeconds: 60, precision: 2, maxSeries: 10, now: () => 1 })
    const recorder = new ExemplarRecorder(BOUNDS)
    const [kept, bytes] = exemplarFigures(recorder, aggregator.tasks)
    const a = task(aggregator)
    aggregator.task('idle', null)
    expect(bytes.read()).toBe(0)
    recorder.recordTask(a, 1, ids(0))
    recorder.recordTask(a, 3, ids(0))
    expect(kept.read()).toBe(2)
    expect(bytes.read()).toBe(exemplarStoreBytes(BOUNDS.length))
  })
})
