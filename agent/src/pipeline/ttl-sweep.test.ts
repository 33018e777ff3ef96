// The TTL sweep runs at a tenth of the shortest TTL, and a reload's rules restart it: with --ttl 0
// and no rule TTL nothing is swept; rules that bring a TTL start the sweep.
import { describe, expect, it } from 'vitest'
import { Aggregator } from '../aggregate/aggregator.js'
import { mappingFrom } from '../config/mapping-file.test-support.js'
import { TtlSweep, shortestTtlMs } from './ttl-sweep.js'

describe('TtlSweep', () => {
  it('takes the shortest of --ttl and the rules, 0 meaning never', () => {
    const rules = mappingFrom('mappings:\n- { match: a.*, name: a, ttl: 2s }\n- { match: b.*, name: b, ttl: 0 }\n')
    expect(shortestTtlMs(0, null)).toBe(0)
    expect(shortestTtlMs(0, rules)).toBe(2_000)
    expect(shortestTtlMs(1, rules)).toBe(1_000)
    expect(shortestTtlMs(10, rules)).toBe(2_000)
  })

  it('starts sweeping when a reload brings a rule TTL', async () => {
    const aggregator = new Aggregator({ windowSeconds: 60, precision: 2, maxSeries: 10 })
    let evictions = 0
    const sweep = new TtlSweep(0, aggregator, () => evictions++)
    sweep.start(null)
    aggregator.task('short', null, { help: null, ttlMs: 150, bucketsSeconds: null })
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect(aggregator.tasks.size).toBe(1) // no sweep runs: nothing expires
    sweep.start(mappingFrom('mappings:\n- { match: a.*, name: a, ttl: 150ms }\n'))
    for (let i = 0; i < 40 && aggregator.tasks.size > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50))
    sweep.stop()
    expect(aggregator.tasks.size).toBe(0)
    expect(evictions).toBe(1)
  })
})
