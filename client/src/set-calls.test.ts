// set()/unique(): StatsD set members on protocol v1's set kind, through the real client (mock:
// true decodes the real datagrams); numbers go as their decimal text, bad members are counted.
import { afterEach, describe, expect, it } from 'vitest'
import { type TaskmeterClient, createClient } from './index.js'

const clients: TaskmeterClient[] = []

function mockClient(random = (): number => 0): TaskmeterClient {
  const client = createClient({ mock: true, errorHandler: () => {}, prefix: 'app.', random })
  clients.push(client)
  return client
}

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close()
})

describe('set and unique', () => {
  it('sends each member with its rate and tags, numbers as their text, to every name of an array', async () => {
    const client = mockClient()
    let calls = 0
    client.set('visitors', 'u1')
    client.unique('visitors', 42, ['page:home'])
    client.set(['a', 'b'], 'x', 0.5, { k: 'v' }, (error) => {
      expect(error).toBeUndefined()
      calls++
    })
    await client.flush()
    expect(client.mockEvents.map((e) => [e.kind, e.name, e.value, e.sampleRate, e.tags])).toEqual([
      ['set', 'app.visitors', 'u1', 1, null],
      ['set', 'app.visitors', '42', 1, { page: 'home' }],
      ['set', 'app.a', 'x', 0.5, { k: 'v' }],
      ['set', 'app.b', 'x', 0.5, { k: 'v' }],
    ])
    expect(calls).toBe(1)
    expect(client.stats().dropped).toEqual({})
  })

  it('drops and counts a member that is not a string or a finite number, empty or over 200 bytes', async () => {
    const client = mockClient()
    const bad: unknown[] = ['', 'é'.repeat(101), Number.NaN, true, null, { id: 1 }]
    for (const member of bad) client.set('visitors', member as string)
    client.set('visitors', 'ok')
    await client.flush()
    expect(client.mockEvents.map((e) => e.value)).toEqual(['ok'])
    expect(client.stats().dropped).toEqual({ bad_value: bad.length })
  })

  it('samples with the client random source', async () => {
    const draws = [0.2, 0.7]
    const client = mockClient(() => draws.shift() ?? 0)
    client.set('s', 'a', 0.5)
    client.set('s', 'b', 0.5)
    await client.flush()
    expect(client.mockEvents.map((e) => e.value)).toEqual(['a'])
    expect(client.stats().sampledOut).toBe(1)
  })
})
