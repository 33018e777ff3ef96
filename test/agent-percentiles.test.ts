// 10 000 timings with a known distribution → /dashboard percentiles within the HDR bound of the
// exact ones; task_duration_seconds count, le buckets and _sum checked against the values sent.
import { EVENT_KIND, encodeName } from '@taskmeter/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AgentProcess, startAgentProcess } from './harness/agent-process.js'
import { getJson, getText, waitFor } from './harness/poll.js'
import { sampleValue } from './harness/prometheus-text.js'
import { UdpSender } from './harness/udp-sender.js'

interface Dashboard {
  tasks: Record<
    string,
    { completed: number; latency_ms: Record<string, number>; window: { latency_ms: Record<string, number> } }
  >
}

const COUNT = 10_000
// A deterministic latency mix: a lognormal body around 20 ms plus a slow tail, in ms with µs digits.
function knownValues(): number[] {
  const values: number[] = []
  let seed = 12345
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return (seed + 0.5) / 2147483648
  }
  for (let i = 0; i < COUNT; i++) {
    const normal = Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random())
    const body = Math.exp(Math.log(20) + 0.5 * normal)
    const value = i % 50 === 0 ? body * 12 : body
    values.push(Math.round(value * 1000) / 1000)
  }
  return values
}

function exactPercentile(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0
}

describe('agent percentiles over real UDP', () => {
  let agent: AgentProcess
  const values = knownValues()
  const sorted = [...values].sort((a, b) => a - b)

  beforeAll(async () => {
    agent = await startAgentProcess(['--window', '60'])
    const sender = new UdpSender(agent.udpPort)
    const name = encodeName('percentiles') as Uint8Array
    for (const value of values) await sender.append(EVENT_KIND.timing, name, value)
    await sender.flush()
    sender.close()
    await waitFor('all timings counted', async () => {
      const d = await getJson<Dashboard>(`${agent.baseUrl}/dashboard`)
      return d.tasks.percentiles?.completed === COUNT ? true : undefined
    })
  })

  afterAll(async () => {
    await agent?.stop()
  })

  it('reports p50/p95/p99/p99.9 within the HDR bound (1% at precision 2) of the exact percentiles', async () => {
    const d = await getJson<Dashboard>(`${agent.baseUrl}/dashboard`)
    const task = d.tasks.percentiles
    expect(task).toBeDefined()
    const pairs: Array<[string, number]> = [
      ['p50', 0.5],
      ['p95', 0.95],
      ['p99', 0.99],
      ['p999', 0.999],
    ]
    for (const [key, q] of pairs) {
      const exact = exactPercentile(sorted, q)
      for (const reported of [task?.latency_ms[key], task?.window.latency_ms[key]]) {
        expect(reported, key).toBeDefined()
        // 1/128 relative for the bucket width at precision 2, plus the 1 µs recording unit.
        expect(
          Math.abs((reported as number) - exact),
          `${key}: reported ${reported} exact ${exact}`,
        ).toBeLessThanOrEqual(exact / 128 + 0.001)
      }
    }
    expect(task?.latency_ms.max).toBeCloseTo(sorted[sorted.length - 1] ?? 0, 3)
  })

  it('exposes task_duration_seconds with the exact count, _sum and le buckets within precision', async () => {
    const text = await getText(`${agent.baseUrl}/metrics`)
    expect(sampleValue(text, 'task_duration_seconds_count', { task: 'percentiles' })).toBe(COUNT)
    expect(sampleValue(text, 'task_duration_seconds_bucket', { task: 'percentiles', le: '+Inf' })).toBe(COUNT)
    let exactSumMs = 0
    for (const value of values) exactSumMs += value
    const sum = sampleValue(text, 'task_duration_seconds_sum', { task: 'percentiles' }) as number
    expect(Math.abs(sum - exactSumMs / 1000) / (exactSumMs / 1000)).toBeLessThanOrEqual(1e-9)
    for (const le of [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1]) {
      const reported = sampleValue(text, 'task_duration_seconds_bucket', {
        task: 'percentiles',
        le: String(le),
      }) as number
      const boundMs = le * 1000
      const atLeast = sorted.filter((v) => v <= boundMs * (1 - 1 / 128)).length
      const atMost = sorted.filter((v) => v <= boundMs * (1 + 1 / 128)).length
      expect(reported, `le=${le}`).toBeGreaterThanOrEqual(atLeast)
      expect(reported, `le=${le}`).toBeLessThanOrEqual(atMost)
    }
    expect(sampleValue(text, 'requests_total', { task: 'percentiles', status: 'success' })).toBe(COUNT)
    expect(sampleValue(text, 'tasks_completed_total', { task: 'percentiles' })).toBe(COUNT)
    expect(sampleValue(text, 'task_duration_window_seconds_count', { task: 'percentiles' })).toBe(COUNT)
  })
})
