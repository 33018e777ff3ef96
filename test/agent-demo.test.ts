// `--demo` shows at least three tasks with data on /dashboard within 3 seconds, sent by the real
// client over real UDP (the README's first command relies on it).
import { afterAll, describe, expect, it } from 'vitest'
import { type AgentProcess, startAgentProcess } from './harness/agent-process.js'
import { getJson, waitFor } from './harness/poll.js'

interface Dashboard {
  tasks: Record<string, { completed: number; latency_ms: { p99: number } }>
  counters: Record<string, number>
  gauges: Record<string, number>
}

describe('taskmeter-agent --demo', () => {
  let agent: AgentProcess | undefined

  afterAll(async () => {
    await agent?.stop()
  })

  it('shows three tasks with data, a counter and a gauge within 3 s', async () => {
    agent = await startAgentProcess(['--demo'])
    const started = Date.now()
    const dashboard = await waitFor(
      'three demo tasks with completed requests',
      async () => {
        const d = await getJson<Dashboard>(`${(agent as AgentProcess).baseUrl}/dashboard`)
        const busy = Object.values(d.tasks).filter((task) => task.completed > 0 && task.latency_ms.p99 > 0)
        return busy.length >= 3 ? d : undefined
      },
      3_000,
    )
    expect(Date.now() - started).toBeLessThanOrEqual(3_000)
    expect(Object.keys(dashboard.tasks).length).toBeGreaterThanOrEqual(3)
    await waitFor(
      'the demo counter and gauge',
      async () => {
        const d = await getJson<Dashboard>(`${(agent as AgentProcess).baseUrl}/dashboard`)
        return (d.counters.work_completed ?? 0) > 0 && d.gauges.queue_depth !== undefined ? true : undefined
      },
      3_000,
    )
  })

  it('stops the demo child with the agent', async () => {
    const code = await (agent as AgentProcess).stop()
    expect(code).toBe(0)
  })
})
