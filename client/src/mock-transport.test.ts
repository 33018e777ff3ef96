import { describe, expect, it } from 'vitest'
import { createClient } from './index.js'

describe('mock: true', () => {
  it('records every event at once, as the agent would decode it, and sends nothing', async () => {
    const client = createClient({ mock: true, prefix: 'app.', tags: { env: 'test' }, port: 1 })
    client.timing('prediction', 12.3)
    expect(client.mockEvents).toEqual([
      { kind: 'timing', name: 'app.prediction', value: 12.3, sampleRate: 1, tags: { env: 'test' } },
    ])
    client.increment('hits', 2, { route: '/' })
    await client.trackAsync('job', async () => 1)
    expect(client.mockEvents.map((e) => `${e.kind} ${e.name}`)).toEqual([
      'timing app.prediction',
      'count app.hits',
      'task_end_success app.job',
    ])
    await client.flush()
    // In-flight reports are bookkeeping, not recorded events.
    expect(client.mockEvents).toHaveLength(3)
    expect(client.stats()).toMatchObject({ sent: 3, pending: 0, dropped: {} })
    expect(await client.report()).toMatch(/^taskmeter report unavailable: mock client/)
    await client.close()
  })

  it('a real client has no mock events', async () => {
    const client = createClient({ port: 9 })
    expect(client.mockEvents).toEqual([])
    await client.close()
  })
})
