// A real `prometheus` scrapes the agent and rate(requests_total[1m]) and histogram_quantile over
// task_duration_seconds return data; the target is up with no error.
import { EVENT_KIND, encodeName } from '@taskmeter/protocol'
import { afterAll, describe, expect, it } from 'vitest'
import { type AgentProcess, startAgentProcess } from './harness/agent-process.js'
import { getJson, waitFor } from './harness/poll.js'
import { UdpSender, steadyTraffic } from './harness/udp-sender.js'
import { type PrometheusServer, startPrometheus } from './prometheus-server.js'

interface PromVectorSample {
  metric: Record<string, string>
  value: [number, string]
}
interface PromQueryResponse {
  status: string
  data: { resultType: string; result: PromVectorSample[] }
}
interface PromTargetsResponse {
  status: string
  data: { activeTargets: Array<{ health: string; scrapeUrl: string; lastError: string }> }
}

describe('a real prometheus scraping the agent', () => {
  let agent: AgentProcess | undefined
  let prometheus: PrometheusServer | undefined

  afterAll(async () => {
    await prometheus?.stop()
    await agent?.stop()
  })

  it('returns rate(requests_total[1m]) and histogram_quantile over task_duration_seconds', async () => {
    agent = await startAgentProcess()
    const config = [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: taskmeter',
      '    static_configs:',
      `      - targets: ['127.0.0.1:${agent.httpPort}']`,
      '',
    ].join('\n')
    prometheus = await startPrometheus(config)
    const api = prometheus.api

    // Keep timings flowing (a steady rate) until the queries answer; bounded by the deadlines below.
    const sender = new UdpSender(agent.udpPort)
    const checkout = encodeName('checkout') as Uint8Array
    const search = encodeName('search') as Uint8Array
    const traffic = steadyTraffic(sender, 1_000, async (batch) => {
      for (let i = 0; i < 50; i++) {
        await sender.append(EVENT_KIND.timing, checkout, 2 + ((batch * 50 + i) % 100) * 3)
        if (i % 5 === 0) await sender.append(EVENT_KIND.task_end_error, search, 15 + i)
      }
    })

    const query = async (promql: string): Promise<PromVectorSample[] | undefined> => {
      const body = await getJson<PromQueryResponse>(`${api}/api/v1/query?query=${encodeURIComponent(promql)}`)
      if (body.status !== 'success' || body.data.resultType !== 'vector')
        throw new Error(`${promql}: ${JSON.stringify(body)}`)
      const positive = body.data.result.filter(
        (sample) => Number(sample.value[1]) > 0 && Number.isFinite(Number(sample.value[1])),
      )
      return positive.length > 0 ? positive : undefined
    }

    try {
      const rates = await waitFor('rate(requests_total[1m]) > 0', () => query('rate(requests_total[1m])'), 40_000, 250)
      expect(
        rates.find((s) => s.metric.task === 'checkout' && s.metric.status === 'success'),
        JSON.stringify(rates),
      ).toBeDefined()
      expect(rates.some((s) => s.metric.task === 'search' && s.metric.status === 'error')).toBe(true)

      const p99 = await waitFor(
        'histogram_quantile(0.99, …task_duration_seconds_bucket…) > 0',
        () => query('histogram_quantile(0.99, sum by (le) (rate(task_duration_seconds_bucket[1m])))'),
        40_000,
        250,
      )
      const p99Seconds = Number(p99[0]?.value[1])
      // Timings span 2..299 ms (and 15..60 ms errors): p99 lies in the 0.25..0.5 s bucket.
      expect(p99Seconds).toBeGreaterThan(0.1)
      expect(p99Seconds).toBeLessThanOrEqual(0.5)

      const targets = await getJson<PromTargetsResponse>(`${api}/api/v1/targets`)
      expect(targets.status).toBe('success')
      expect(
        targets.data.activeTargets.map((t) => ({ url: t.scrapeUrl, health: t.health, error: t.lastError })),
      ).toEqual([{ url: `http://127.0.0.1:${agent.httpPort}/metrics`, health: 'up', error: '' }])
    } catch (err) {
      throw new Error(`${err instanceof Error ? err.message : String(err)}\nprometheus log:\n${prometheus.log()}`)
    } finally {
      await traffic.stop()
      sender.close()
    }
  })
})
