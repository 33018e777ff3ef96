// SIGTERM while Prometheus is scraping: every response already being written finishes whole
// before the agent exits (a scrape cut halfway is a failed scrape, and the last one an agent
// can give). 10 000 tasks make each body large enough that the signal lands mid-write.
import http from 'node:http'
import { EVENT_KIND, encodeName } from '@taskmeter/protocol'
import { describe, expect, it } from 'vitest'
import { type AgentProcess, startAgentProcess } from './harness/agent-process.js'
import { getText, waitFor } from './harness/poll.js'
import { sampleValue } from './harness/prometheus-text.js'
import { UdpSender } from './harness/udp-sender.js'

const TASKS = 10_000

interface Scrape {
  status: number
  declaredLength: number | null
  body: string
  complete: boolean
}

/** A raw GET that reports a truncated body instead of throwing it away. */
function scrape(url: string): Promise<Scrape> {
  return new Promise((resolve) => {
    const request = http.get(url, { agent: false }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      const finish = (complete: boolean): void => {
        const length = response.headers['content-length']
        resolve({
          status: response.statusCode ?? 0,
          declaredLength: length === undefined ? null : Number(length),
          body: Buffer.concat(chunks).toString(),
          complete,
        })
      }
      response.on('end', () => finish(response.complete))
      response.on('error', () => finish(false))
      response.on('aborted', () => finish(false))
    })
    request.on('error', () => resolve({ status: 0, declaredLength: null, body: '', complete: false }))
  })
}

async function agentWithTasks(extra: string[]): Promise<AgentProcess> {
  const agent = await startAgentProcess(['--max-series', '20000', '--max-memory', '4GiB', ...extra])
  const sender = new UdpSender(agent.udpPort)
  for (let i = 0; i < TASKS; i++)
    await sender.append(EVENT_KIND.timing, encodeName(`task_${i}`) as Uint8Array, 1 + (i % 500), 1, null)
  await sender.flush()
  sender.close()
  await waitFor(
    'every task to be counted',
    async () =>
      sampleValue(await getText(`${agent.baseUrl}/metrics`), 'taskmeter_events_total', { kind: 'timing' }) === TASKS
        ? true
        : undefined,
    20_000,
    200,
  )
  return agent
}

describe('SIGTERM during scrapes', () => {
  it.each([
    ['one process', []],
    ['--workers 2', ['--workers', '2']],
  ])(
    'lets three in-flight scrapes of 10 000 tasks finish whole, then exits 0 (%s)',
    async (_name, extra) => {
      const agent = await agentWithTasks(extra)
      try {
        const scrapes = [0, 1, 2].map(() => scrape(`${agent.baseUrl}/metrics`))
        // The signal lands while the three are being rendered and written.
        await new Promise((resolve) => setTimeout(resolve, 5))
        const started = Date.now()
        const code = await agent.stop('SIGTERM')
        const results = await Promise.all(scrapes)
        expect(code).toBe(0)
        expect(Date.now() - started).toBeLessThan(6_000)
        for (const result of results) {
          expect(result.status).toBe(200)
          expect(result.complete).toBe(true)
          if (result.declaredLength !== null) expect(Buffer.byteLength(result.body)).toBe(result.declaredLength)
          expect(result.body).toContain('task_duration_seconds_count{task="task_9999"} 1')
          expect(result.body.endsWith('\n')).toBe(true)
        }
      } finally {
        await agent.stop('SIGKILL')
      }
    },
    60_000,
  )

  it('gives a scraper that stops reading 5 s, then closes its connection and exits 0', async () => {
    const agent = await agentWithTasks([])
    try {
      let received = 0
      const stalled = new Promise<void>((resolve) => {
        const request = http.get(`${agent.baseUrl}/metrics`, { agent: false }, (response) => {
          response.once('data', (chunk: Buffer) => {
            received += chunk.length
            response.pause() // never read again: the agent's writes back up
            resolve()
          })
        })
        request.on('error', () => resolve())
      })
      await stalled
      expect(received).toBeGreaterThan(0)
      const started = Date.now()
      const code = await agent.stop('SIGTERM', 15_000)
      const took = Date.now() - started
      expect(code).toBe(0)
      expect(took).toBeGreaterThanOrEqual(4_500)
      expect(took).toBeLessThan(8_000)
    } finally {
      await agent.stop('SIGKILL')
    }
  }, 60_000)
})
