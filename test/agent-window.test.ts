// Req/s over the window matches the sent rate within 5 %, and window expiry drops old data while
// cumulative totals stay.
import { EVENT_KIND, encodeName } from '@taskmeter/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AgentProcess, startAgentProcess } from './harness/agent-process.js'
import { getJson, waitFor } from './harness/poll.js'
import { UdpSender } from './harness/udp-sender.js'

interface TaskView {
  completed: number
  rps: number
  window: { requests: number; rps: number; latency_ms: { p50: number } }
}
interface Dashboard {
  tasks: Record<string, TaskView>
}

const WINDOW_SECONDS = 2
const RATE_PER_SECOND = 1000
const TICK_MS = 20

describe('sliding window over real UDP', () => {
  let agent: AgentProcess
  let sender: UdpSender
  const name = encodeName('steady') as Uint8Array

  beforeAll(async () => {
    agent = await startAgentProcess(['--window', String(WINDOW_SECONDS)])
    sender = new UdpSender(agent.udpPort)
  })

  afterAll(async () => {
    sender?.close()
    await agent?.stop()
  })

  it('reports the sent rate within 5 % and forgets it after the window', async () => {
    // Paced by the clock, not by sleeps: each tick sends what is due since the start, so timer
    // jitter does not change the average rate. Bounded: 3 × window.
    const started = performance.now()
    let sent = 0
    let rpsDuringLoad: number | undefined
    while (performance.now() - started < 3 * WINDOW_SECONDS * 1000) {
      const due = Math.floor(((performance.now() - started) / 1000) * RATE_PER_SECOND)
      for (; sent < due; sent++) await sender.append(EVENT_KIND.timing, name, 5)
      await sender.flush()
      if (rpsDuringLoad === undefined && performance.now() - started > 2.5 * WINDOW_SECONDS * 1000) {
        const d = await getJson<Dashboard>(`${agent.baseUrl}/dashboard`)
        rpsDuringLoad = d.tasks.steady?.rps
      }
      await new Promise((resolve) => setTimeout(resolve, TICK_MS))
    }
    expect(rpsDuringLoad).toBeDefined()
    expect(Math.abs((rpsDuringLoad as number) - RATE_PER_SECOND) / RATE_PER_SECOND).toBeLessThanOrEqual(0.05)

    const totalSent = sent
    await waitFor('every timing counted', async () =>
      (await getJson<Dashboard>(`${agent.baseUrl}/dashboard`)).tasks.steady?.completed === totalSent ? true : undefined,
    )
    const expired = await waitFor(
      'the window to empty',
      async () => {
        const task = (await getJson<Dashboard>(`${agent.baseUrl}/dashboard`)).tasks.steady
        return task !== undefined && task.window.requests === 0 ? task : undefined
      },
      (WINDOW_SECONDS + 2) * 1000,
    )
    expect(expired.rps).toBe(0)
    expect(expired.window.latency_ms.p50).toBe(0)
    expect(expired.completed).toBe(totalSent)
  })
})
