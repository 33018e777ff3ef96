import { describe, expect, it } from 'vitest'
import { HEADER_BYTES, openState, restoreBody } from './state-format.js'
import { FLAGS, clocked, dashboard, encode, families, feed } from './state.test-support.js'

const WALL = Date.UTC(2026, 0, 1)

/**
 * Feeds `a` events for `beforeMs`, saves it, lets `downMs` pass with no events (the restart),
 * restores into `b` (a new process: its own clock starts near 0), then feeds both the same events
 * for `afterMs`. `a` never stopped: b must read exactly as a.
 */
async function restart(beforeMs: number, downMs: number, afterMs: number): Promise<void> {
  const clockA = { ms: 7_654_321 }
  const a = clocked(clockA)
  let i = 0
  for (const end = clockA.ms + beforeMs; clockA.ms < end; clockA.ms += 37) feed(a, i++)
  const bytes = encode(a, WALL)
  clockA.ms += downMs
  const clockB = { ms: 120 }
  const b = clocked(clockB)
  const counts = restoreBody(b, bytes, downMs)
  expect(counts).toEqual({ tasks: 3, series: 4, refused: 0 })
  expect(b.now()).toBe(a.now())
  expect(await families(b)).toBe(await families(a))
  expect(dashboard(b)).toEqual(dashboard(a))
  for (const end = clockA.ms + afterMs; clockA.ms < end; clockA.ms += 41, clockB.ms += 41) {
    feed(a, i)
    feed(b, i++)
  }
  const text = await families(b)
  expect(text).toContain('requests_total{task="checkout",region_name="eu",status="success"}')
  // The respelled tag key (region.name) was kept: the same events still find the restored series.
  expect(b.drops.get('label_collision')).toBe(0)
  expect(text).toBe(await families(a))
  expect(dashboard(b)).toEqual(dashboard(a))
}

describe('state format: a restored aggregator reads as one that never stopped', () => {
  it('right after the save, window slots and the live slot included', () => restart(45_000, 0, 20_000))
  it('after a restart of a few seconds (slots still inside the window line up)', () => restart(70_000, 3_500, 30_000))
  it('after a restart longer than the window (its slots are dropped, the totals stay)', () =>
    restart(30_000, 75_000, 10_000))
  it('saved again after a restore, and restored again', async () => {
    const clockA = { ms: 1_000 }
    const a = clocked(clockA)
    for (let i = 0; i < 500; i++, clockA.ms += 50) feed(a, i)
    const b = clocked({ ms: 3 })
    restoreBody(b, encode(a, WALL), 0)
    const c = clocked({ ms: 9 })
    restoreBody(c, encode(b, WALL), 0)
    expect(await families(c)).toBe(await families(a))
  })

  it('refuses series past this run’s --max-series, and reads past their figures', async () => {
    const clock = { ms: 1_000 }
    const a = clocked(clock)
    for (let i = 0; i < 100; i++, clock.ms += 10) feed(a, i)
    const b = clocked({ ms: 0 }, FLAGS, 3)
    expect(restoreBody(b, encode(a, WALL), 0)).toEqual({ tasks: 3, series: 0, refused: 4 })
    expect(b.seriesCount).toBe(3)
  })
})

describe('state format: header and flags', () => {
  const clock = { ms: 5_000 }
  const agg = clocked(clock)
  for (let i = 0; i < 50; i++, clock.ms += 100) feed(agg, i)

  it('opens its own bytes, and names the flag and the file’s value of one that differs', () => {
    const bytes = encode(agg, WALL)
    expect(openState(bytes, FLAGS)).toEqual({ kind: 'state', savedWallMs: WALL })
    expect(openState(bytes, { ...FLAGS, precision: 3 })).toEqual({
      kind: 'incompatible',
      flag: '--precision',
      fileValue: '2',
    })
    expect(openState(bytes, { ...FLAGS, windowSeconds: 30 })).toMatchObject({ flag: '--window', fileValue: '60' })
    expect(openState(bytes, { ...FLAGS, buckets: [0.1, 1] })).toMatchObject({ flag: '--buckets' })
  })

  it('says corrupt for every truncation and every flipped byte (unless it is the version: incompatible)', () => {
    const bytes = encode(agg, WALL)
    for (let length = 0; length < bytes.length; length++)
      expect(openState(bytes.subarray(0, length), FLAGS).kind, `length ${length}`).toBe('corrupt')
    for (let at = 0; at < bytes.length; at++) {
      const flipped = Uint8Array.from(bytes)
      flipped[at] = (flipped[at] ?? 0) ^ 0x5a
      const expected = at >= 8 && at < 12 ? 'incompatible' : 'corrupt'
      expect(openState(flipped, FLAGS).kind, `byte ${at}`).toBe(expected)
    }
    expect(bytes.length).toBeGreaterThan(HEADER_BYTES + 100)
  })
})
