import { describe, expect, it } from 'vitest'
import { restoreBody } from './state-format.js'
import { FLAGS, busy, clocked, encode, families } from './state.test-support.js'

describe('state file size', () => {
  // docs/state-file.md states it: ~1.5 KB per busy task at precision 2 (the packed cumulative
  // histogram and the 12 window slots, ~1.1 bytes a bucket), ~2.2 KB at precision 3.
  it('stays under 2 KB per busy task at precision 2, and restores them all', async () => {
    const tasks = 50
    const agg = busy(tasks, 2)
    const bytes = encode(agg, Date.UTC(2026, 0, 1))
    expect(bytes.length / tasks).toBeLessThan(2048)
    expect(bytes.length / tasks).toBeGreaterThan(512) // a busy task's buckets are in it, not only its key
    const restored = clocked({ ms: 0 }, FLAGS, tasks)
    expect(restoreBody(restored, bytes, 0).tasks).toBe(tasks)
    expect(await families(restored)).toBe(await families(agg))
  })
})
