// Aggregator state shared by the scrape and remote-write benchmarks: `tasks` busy tasks at
// precision 2 with a 60 s window, so both measure the same series a real sidecar would hold.
import { Aggregator } from '../agent/dist/aggregate/aggregator.js'
import { random } from './seeded-random.mjs'

// A busy task: `perSlot` lognormal requests (median 20 ms, sigma 0.8) in each of the 12 slots of
// the window, 2 % errors. An idle task: one request, long ago. `precision` 2 unless given.
export function fill(tasks, perSlot, clock, precision = 2) {
  const rand = random(42)
  const aggregator = new Aggregator({ windowSeconds: 60, precision, maxSeries: 1_000_000, now: () => clock.ms })
  const list = []
  for (let t = 0; t < tasks; t++) list.push(aggregator.task(`task_${t}`, null))
  for (let slot = 0; slot < 12; slot++) {
    clock.ms = slot * 5000 + 1
    for (const task of list) {
      for (let i = 0; i < perSlot; i++) {
        const normal = Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand())
        aggregator.recordRequest(task, Math.exp(Math.log(20) + 0.8 * normal), rand() < 0.02, 1)
      }
    }
  }
  clock.ms = 12 * 5000 - 1
  return aggregator
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}
