// A scrape that copies unchanged series from its previous body must send the bytes a full render
// sends: after random events, clock steps (window slots expiring), in-flight changes, new series
// and evictions, one long-lived renderer's text and protobuf answers are compared with those of a
// renderer made for that scrape alone.
import { describe, expect, it } from 'vitest'
import { random } from '../../../../test/harness/seeded-random.js'
import { Aggregator } from '../../aggregate/aggregator.js'
import type { SeriesSettings } from '../../aggregate/series-settings.js'
import type { TaskStats } from '../../aggregate/task-stats.js'
import type { MetricsRenderer } from './metrics-renderer.js'
import { testRenderer } from './metrics-renderer.test-support.js'
import { TextFamilyEncoder } from './text-family-encoder.js'

const BUCKETS = [0.001, 0.01, 0.1, 1]
const NATIVE = { schema: 7, maxBuckets: 20 }
const OWN_BUCKETS: SeriesSettings = { help: null, ttlMs: 30_000, bucketsSeconds: Object.freeze([0.005, 0.05]) }

interface World {
  clock: { ms: number }
  aggregator: Aggregator
  rand: () => number
  made: number
}

function world(seed: number): World {
  const clock = { ms: 1000 }
  const aggregator = new Aggregator({ windowSeconds: 60, precision: 2, maxSeries: 40, now: () => clock.ms })
  return { clock, aggregator, rand: random(seed), made: 0 }
}

function newTask(w: World): TaskStats | null {
  const n = w.made++
  const tags: Array<[string, string]> | null = n % 3 === 0 ? null : [['zone', n % 2 === 0 ? 'a"b\\c' : 'eu\nwest']]
  return w.aggregator.task(`task_${n % 17}`, tags, n % 5 === 0 ? OWN_BUCKETS : null)
}

/** One random step between scrapes. */
function step(w: World): void {
  const { aggregator, rand } = w
  const roll = rand()
  if (roll < 0.15) newTask(w)
  const tasks = [...aggregator.tasks.values()]
  for (const task of tasks) {
    const r = rand()
    if (r < 0.3) {
      const events = 1 + Math.floor(rand() * 4)
      for (let i = 0; i < events; i++)
        aggregator.recordRequest(task, Math.exp(rand() * 8 - 2), rand() < 0.2, rand() < 0.2 ? 2 : 1)
    } else if (r < 0.35) aggregator.taskStarted(task)
    else if (r < 0.4) aggregator.taskEnded(task)
  }
  const counter = aggregator.series('counter', 'orders', [['kind', rand() < 0.5 ? 'a' : 'b']])
  if (counter !== null && rand() < 0.5) aggregator.addCounter(counter, 1)
  const batch = aggregator.series('histogram', 'batch_size', null)
  if (batch !== null && rand() < 0.3) aggregator.observe(batch, rand() * 100, 1)
  // Clock steps: none, within a 5 s slot, across slots, past the whole window.
  const move = rand()
  w.clock.ms += move < 0.2 ? 0 : move < 0.5 ? rand() * 4000 : move < 0.9 ? rand() * 20_000 : 61_000
  if (rand() < 0.1) aggregator.evictIdle(20_000)
  const victim = tasks[Math.floor(rand() * tasks.length)]
  if (victim !== undefined && rand() < 0.05) aggregator.tasks.delete(victim.id)
}

async function expectSameAsFull(w: World, renderer: MetricsRenderer, formats: number): Promise<void> {
  const full = testRenderer(w.aggregator, BUCKETS, 0, NATIVE)
  if (formats & 1) expect((await renderer.renderBody()).equals(await full.renderBody())).toBe(true)
  if (formats & 2) expect((await renderer.renderProtobuf()).equals(await full.renderProtobuf())).toBe(true)
}

describe('incremental exposition', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`sends a full render's bytes after random events and clock steps (seed ${seed})`, async () => {
      const w = world(seed)
      const renderer = testRenderer(w.aggregator, BUCKETS, 0, NATIVE)
      for (let i = 0; i < 8; i++) newTask(w)
      for (let round = 0; round < 120; round++) {
        step(w)
        // A remote-write walk between scrapes shares the protobuf sources, not their cache.
        if (round % 7 === 0) await renderer.emitFamilies(new TextFamilyEncoder())
        // Text only, protobuf only or both: each keeps its own previous body.
        await expectSameAsFull(w, renderer, 1 + (round % 3))
      }
      expect(w.aggregator.tasks.size).toBeGreaterThan(0)
    })
  }

  it('copies the tasks that did not change and drops evicted ones', async () => {
    const w = world(9)
    const renderer = testRenderer(w.aggregator, BUCKETS, 0, NATIVE)
    const tasks: TaskStats[] = []
    for (let i = 0; i < 6; i++) {
      const task = newTask(w)
      if (task !== null) tasks.push(task)
    }
    for (const task of tasks) w.aggregator.recordRequest(task, 12, false, 1)
    const first = (await renderer.renderBody()).toString()
    const second = (await renderer.renderBody()).toString()
    expect(second).toBe(first)
    expect(renderer.cacheStats().text).toMatchObject({ tasks: tasks.length, reused: tasks.length })
    const gone = tasks[1] as TaskStats
    w.aggregator.tasks.delete(gone.id)
    w.aggregator.recordRequest(tasks[2] as TaskStats, 40, true, 1)
    const third = (await renderer.renderBody()).toString()
    expect(third).not.toContain(`task="${gone.name}"`)
    expect(renderer.cacheStats().text).toMatchObject({ tasks: tasks.length - 1, reused: tasks.length - 2 })
    await expectSameAsFull(w, renderer, 3)
    expect(renderer.cacheStats().text.bytes).toBeGreaterThan(third.length)
  })
})
