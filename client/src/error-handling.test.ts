// Failure paths, in a file of their own. Agent down, DNS failure, bad arguments, a closed client
// and a throwing errorHandler: nothing throws into the app; each drop is counted by reason in
// stats() and handed to errorHandler.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createClient, TaskmeterDropError, TaskmeterError } from './index.js'
import type { ClientStats, TaskmeterClient } from './index.js'
import { UdpReceiver, closedPort, waitFor } from './udp-receiver.test-support.js'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
  vi.restoreAllMocks()
})

function track(client: TaskmeterClient): TaskmeterClient {
  cleanups.push(() => client.close())
  return client
}

async function receiverFor(): Promise<UdpReceiver> {
  const receiver = await UdpReceiver.start()
  cleanups.push(() => receiver.close())
  return receiver
}

describe('bad arguments', () => {
  it('drops and counts each bad input under its protocol reason, never throwing', async () => {
    const receiver = await receiverFor()
    const errors: TaskmeterError[] = []
    const client = track(createClient({ port: receiver.port, errorHandler: (e) => errors.push(e) }))
    const anyClient = client as unknown as Record<string, (...args: unknown[]) => unknown>
    client.timing('', 1) // bad_name
    anyClient.timing?.(42, 1) // bad_name
    client.timing('x'.repeat(201), 1) // name_too_long
    client.timing('é'.repeat(101), 1) // name_too_long: 202 UTF-8 bytes
    anyClient.timing?.('t', '12') // bad_value
    anyClient.gauge?.('g', undefined) // bad_value
    client.timing('t', Number.NaN) // non_finite_value
    client.histogram('h', Number.POSITIVE_INFINITY) // non_finite_value
    client.timing('t', -0.5) // negative_duration
    client.increment('c', 1, 0) // bad_sample_rate
    client.increment('c', 1, 1.5) // bad_sample_rate
    anyClient.timing?.('t', 1, 'tags?') // bad_tags
    anyClient.timing?.('t', 1, ['a:b', 1]) // bad_tags
    anyClient.timing?.('t', 1, { n: 5 }) // bad_tags
    client.timing('t', 1, Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']))) // bad_tags
    client.timing('t', 1, { k: 'v'.repeat(201) }) // tag_too_long
    client.timing('t', 1, { ['k'.repeat(65)]: 'v' }) // tag_too_long
    anyClient.trackAsync?.('t', 'not a function') // bad_argument
    client.timing('ok', 1)
    await client.flush()
    const events = await receiver.waitForEvents(1)
    expect(events.map((e) => e.name)).toEqual(['ok'])
    expect(client.stats().dropped).toEqual({
      bad_name: 2,
      name_too_long: 2,
      bad_value: 2,
      non_finite_value: 2,
      negative_duration: 1,
      bad_sample_rate: 2,
      bad_tags: 4,
      tag_too_long: 2,
      bad_argument: 1,
    })
    expect(errors).toHaveLength(18)
    for (const error of errors) {
      expect(error).toBeInstanceOf(TaskmeterDropError)
      expect(error.code).toBe('TM_ERR_DROPPED')
      expect(error.message).toMatch(/^taskmeter client: /)
      expect(error.message).not.toContain('\n')
    }
    expect(receiver.rejections()).toEqual([])
  })

  it('a child with bad options drops its events with the reason; child() does not throw', async () => {
    const client = track(createClient({ mock: true }))
    const anyClient = client as unknown as { child(o: unknown): TaskmeterClient }
    anyClient.child({ prefix: 7 }).timing('a', 1)
    anyClient.child({ tags: { k: 1 } }).timing('a', 1)
    anyClient.child({ prefix: 'p'.repeat(200) }).timing('a', 1)
    anyClient.child('garbage').timing('a', 1)
    expect(client.stats().dropped).toEqual({ bad_name: 1, bad_tags: 1, name_too_long: 1 })
    expect(client.mockEvents.map((e) => e.name)).toEqual(['a'])
  })

  it('misused timers: end twice, a bad status, a bad start name still run and end the task', async () => {
    const client = track(createClient({ mock: true }))
    const end = client.startTimer('t')
    end()
    end()
    const badStatus = client.startTimer('t') as unknown as (r: unknown) => number
    expect(typeof badStatus({ status: 'maybe' })).toBe('number')
    const badEnd = client.startTimer('t') as unknown as (r: unknown) => number
    badEnd('error')
    await expect(client.trackAsync('', async () => 'still runs')).resolves.toBe('still runs')
    expect(client.stats().dropped).toEqual({ bad_argument: 3, bad_name: 1 })
    expect(client.mockEvents.map((e) => e.kind)).toEqual(['task_end_success'])
  })
})

describe('agent down and transport failures', () => {
  it('keeps running with nothing listening on the port (ICMP port unreachable)', async () => {
    const port = await closedPort()
    const errors: TaskmeterError[] = []
    const client = track(createClient({ port, bufferFlushInterval: 5, errorHandler: (e) => errors.push(e) }))
    for (let round = 0; round < 20; round++) {
      client.timing('down', round)
      await client.flush()
    }
    await waitFor('the refused port to be noticed', () => {
      const stats = client.stats()
      return stats.socketErrors + (stats.dropped.send_failed ?? 0) > 0
    })
    const stats: ClientStats = client.stats()
    expect(stats.sent + (stats.dropped.send_failed ?? 0)).toBe(20)
    expect(errors.length).toBeGreaterThan(0)
    expect(errors.every((e) => e instanceof TaskmeterError)).toBe(true)
    expect(errors.some((e) => /ECONNREFUSED/.test(e.message))).toBe(true)
  })

  it('counts send_failed when the host does not resolve, and flush() still resolves', async () => {
    const errors: TaskmeterError[] = []
    const client = track(
      createClient({ host: 'no-such-host.invalid', port: 8125, errorHandler: (e) => errors.push(e) }),
    )
    client.timing('t', 1)
    client.timing('t', 2)
    await client.flush()
    await waitFor('the lookup failure', () => (client.stats().dropped.send_failed ?? 0) === 2, 15_000)
    expect(errors[0]).toBeInstanceOf(TaskmeterDropError)
    expect((errors[0] as TaskmeterDropError).reason).toBe('send_failed')
    expect((errors[0] as TaskmeterDropError).eventCount).toBe(2)
    expect(errors[0]?.message).toMatch(/no-such-host\.invalid/)
  })

  it('a throwing errorHandler never escapes', async () => {
    const client = track(
      createClient({
        port: await closedPort(),
        bufferFlushInterval: 5,
        errorHandler: () => {
          throw new Error('handler bug')
        },
      }),
    )
    expect(() => client.timing('', 1)).not.toThrow()
    expect(() => client.gauge('g', Number.NaN)).not.toThrow()
    for (let i = 0; i < 10; i++) {
      client.timing('t', i)
      await client.flush()
    }
    await client.close()
    expect(() => client.timing('t', 1)).not.toThrow()
    expect(client.stats().dropped).toMatchObject({ bad_name: 1, non_finite_value: 1, closed: 1 })
  })

  it('without an errorHandler warns once, then counts silently', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const client = track(createClient({ port: 9 }))
    client.timing('', 1)
    client.timing('t', -1)
    client.gauge('g', Number.NaN)
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/^taskmeter client: timing "" dropped: bad_name/)
    expect(client.stats().dropped).toEqual({ bad_name: 1, negative_duration: 1, non_finite_value: 1 })
  })

  it('names what was given when the name is not a string', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const client = track(createClient({ port: 9 }))
    client.timing(undefined as unknown as string, 5)
    expect(String(warn.mock.calls[0]?.[0])).toMatch(
      /^taskmeter client: timing dropped: bad_name \(the name is undefined, not a string\)/,
    )
  })
})

describe('close', () => {
  it('flushes pending events, is idempotent, and drops later calls as closed', async () => {
    const receiver = await receiverFor()
    const client = createClient({ port: receiver.port, bufferFlushInterval: 60_000, errorHandler: () => {} })
    client.timing('before_close', 1)
    client.increment('before_close_count')
    const end = client.startTimer('running')
    const closing = client.close()
    expect(client.close()).toBe(closing)
    await closing
    const events = await receiver.waitForEvents(2)
    expect(events.map((e) => e.name)).toEqual(['before_close', 'before_close_count'])
    client.timing('after', 1)
    client.child({ prefix: 'c.' }).increment('after')
    end()
    await expect(client.trackAsync('after', async () => 'ran')).resolves.toBe('ran')
    await client.flush()
    expect(client.stats().dropped).toEqual({ closed: 4 })
    expect(client.stats().sent).toBe(2)
  })
})
