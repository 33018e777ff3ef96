// Task semantics through the real client over real UDP: trackAsync with failures gives exact
// requests_total by status, tasks_failed_total and tasks_completed_total (completed = success +
// error), and tasks_active shows 1-second tasks for their whole second, then returns to 0.
import { createClient } from '@taskmeter/client'
import { describe, expect, it } from 'vitest'
import { agentPerSuite } from './harness/agent-suite.js'
import { getJson, getText, waitFor } from './harness/poll.js'
import { sampleValue } from './harness/prometheus-text.js'

interface Dashboard {
  active_tasks: number
  tasks: Record<string, { active: number; completed: number; failed: number; error_rate: number }>
}

describe('trackAsync semantics against a real agent', () => {
  const agent = agentPerSuite(['--window', '60'])

  it('counts successes, failures and completions exactly', async () => {
    const client = createClient({ host: '127.0.0.1', port: agent().udpPort, bufferFlushInterval: 20 })
    let rethrown = 0
    const work: Array<Promise<unknown>> = []
    for (let i = 0; i < 1000; i++) {
      const fails = i % 20 === 0 // 50 of 1000 (5 % errors)
      work.push(
        client
          .trackAsync('checkout', async () => {
            if (fails) throw new Error('boom')
            return i
          })
          .catch((err: Error) => {
            if (err.message === 'boom') rethrown++
          }),
      )
      if (i % 100 === 99) await client.flush()
    }
    await Promise.all(work)
    await client.close()
    expect(rethrown).toBe(50)
    const text = await waitFor('1000 completed requests', async () => {
      const body = await getText(`${agent().baseUrl}/metrics`)
      return sampleValue(body, 'tasks_completed_total', { task: 'checkout' }) === 1000 ? body : undefined
    })
    expect(sampleValue(text, 'requests_total', { task: 'checkout', status: 'success' })).toBe(950)
    expect(sampleValue(text, 'requests_total', { task: 'checkout', status: 'error' })).toBe(50)
    expect(sampleValue(text, 'tasks_failed_total', { task: 'checkout' })).toBe(50)
    expect(sampleValue(text, 'task_duration_seconds_count', { task: 'checkout' })).toBe(1000)
    const d = await getJson<Dashboard>(`${agent().baseUrl}/dashboard`)
    expect(d.tasks.checkout?.error_rate).toBeCloseTo(0.05, 10)
  })

  it('shows 1-second tasks as active for the whole second, then 0', async () => {
    const client = createClient({ host: '127.0.0.1', port: agent().udpPort, bufferFlushInterval: 100 })
    const RUNNING = 5
    const started = performance.now()
    const tasks = Array.from({ length: RUNNING }, () =>
      client.trackAsync('slow', () => new Promise((resolve) => setTimeout(resolve, 1000))),
    )
    // Sample the agent through the second: every reading after the first report must show all 5.
    await waitFor(
      'the first in-flight report',
      async () =>
        (await getJson<Dashboard>(`${agent().baseUrl}/dashboard`)).tasks.slow?.active === RUNNING ? true : undefined,
      900,
    )
    const readings: number[] = []
    while (performance.now() - started < 900) {
      readings.push((await getJson<Dashboard>(`${agent().baseUrl}/dashboard`)).tasks.slow?.active ?? -1)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(readings.length).toBeGreaterThan(3)
    expect(readings.every((active) => active === RUNNING)).toBe(true)
    await Promise.all(tasks)
    const after = await waitFor(
      'tasks_active back to 0',
      async () => {
        const body = await getText(`${agent().baseUrl}/metrics`)
        return sampleValue(body, 'tasks_active', { task: 'slow' }) === 0 ? body : undefined
      },
      3_000,
    )
    expect(sampleValue(after, 'tasks_completed_total', { task: 'slow' })).toBe(RUNNING)
    await client.close()
    const d = await getJson<Dashboard>(`${agent().baseUrl}/dashboard`)
    expect(d.tasks.slow?.active).toBe(0)
  })
})
