// With the agent down, restarted or unreachable, an app using the client keeps running, never sees
// an exception, and loses only what it sent while the agent was down.
import dgram from 'node:dgram'
import { createClient } from '@taskmeter/client'
import { describe, expect, it } from 'vitest'
import { startAgentProcess } from './harness/agent-process.js'
import { getJson, waitFor } from './harness/poll.js'

interface Dashboard {
  tasks: Record<string, { completed: number }>
}

async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const port = socket.address().port
  await new Promise<void>((resolve) => socket.close(() => resolve()))
  return port
}

async function sendBurst(client: ReturnType<typeof createClient>, task: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) client.timing(task, 1 + i)
  await client.flush()
}

describe('client while the agent goes away and comes back', () => {
  it('keeps the app running and loses only what was sent while the agent was down', async () => {
    const udpPort = await freeUdpPort()
    const errors: unknown[] = []
    const client = createClient({
      host: '127.0.0.1',
      port: udpPort,
      bufferFlushInterval: 10,
      errorHandler: (err) => errors.push(err),
    })

    // 1. Unreachable from the start: nothing listens yet.
    await expect(sendBurst(client, 'before', 50)).resolves.toBeUndefined()

    // 2. Agent up: everything arrives.
    let agent = await startAgentProcess(['--udp-port', String(udpPort)])
    await sendBurst(client, 'up', 100)
    await waitFor('first agent counts 100', async () =>
      (await getJson<Dashboard>(`${agent.baseUrl}/dashboard`)).tasks.up?.completed === 100 ? true : undefined,
    )

    // 3. Agent down: the app keeps calling, nothing throws, the sends fail and are counted.
    expect(await agent.stop()).toBe(0)
    await sendBurst(client, 'down', 100)
    await waitFor('the refused sends to reach the errorHandler', () => (errors.length > 0 ? true : undefined))

    // 4. Agent restarted on the same port: new events arrive again, on the same client.
    agent = await startAgentProcess(['--udp-port', String(udpPort)])
    try {
      await sendBurst(client, 'after', 100)
      const d = await waitFor('the restarted agent to count all 100 sent after it came up', async () => {
        const body = await getJson<Dashboard>(`${agent.baseUrl}/dashboard`)
        return body.tasks.after?.completed === 100 ? body : undefined
      })
      // Only what was sent while no agent listened is lost.
      expect(d.tasks.down).toBeUndefined()
      expect(d.tasks.before).toBeUndefined()
      expect(d.tasks.up).toBeUndefined() // that agent's state ended with it
      expect(client.stats().sent).toBeGreaterThan(0)
    } finally {
      await client.close()
      await agent.stop()
    }
  })
})
