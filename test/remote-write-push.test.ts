// --remote-write against a real Prometheus 2.42 receiver (--web.enable-remote-write-receiver
// --enable-feature=native-histograms) that also scrapes the same agent: the pushed native
// histograms answer histogram_quantile with exactly the numbers of the scraped ones, within the
// schema bound of the exact percentiles; counters and classic buckets arrive too.
import { afterAll, describe, expect, it } from 'vitest'
import { BucketLayout } from '../agent/src/aggregate/bucket-layout.js'
import { nativeErrorBound } from '../agent/src/expose/prometheus/native-histogram.js'
import { type AgentProcess, startAgentProcess } from './harness/agent-process.js'
import { exactQuantile, lognormalUs, pooledSeconds, sendTimings } from './harness/latency-mix.js'
import { waitFor } from './harness/poll.js'
import { instantQuery, scalarQuery, schemaOf } from './harness/prometheus-query.js'
import { type PrometheusServer, freePort, startPrometheus } from './prometheus-server.js'

const RECEIVER_FLAGS = ['--web.enable-remote-write-receiver', '--enable-feature=native-histograms']

let agent: AgentProcess | null = null
let prometheus: PrometheusServer | null = null
afterAll(async () => {
  await agent?.stop()
  await prometheus?.stop()
})

describe('remote write to a real Prometheus', () => {
  it('pushes native histograms, counters and classic buckets that answer like the scraped ones', async () => {
    const port = await freePort()
    agent = await startAgentProcess([
      '--remote-write',
      `http://127.0.0.1:${port}/api/v1/write`,
      '--remote-write-interval',
      '1',
      '--label',
      'job=push',
      '--label',
      'instance=pod-1',
    ])
    const durations = lognormalUs(30_000, 25, 0.7, 11)
    await sendTimings(agent.udpPort, agent.baseUrl, 'api', durations)
    const config = [
      'global:',
      '  scrape_interval: 1s',
      'scrape_configs:',
      '  - job_name: scrape',
      '    static_configs:',
      `      - targets: ['127.0.0.1:${agent.httpPort}']`,
      '',
    ].join('\n')
    prometheus = await startPrometheus(config, RECEIVER_FLAGS, port)
    const api = prometheus.api
    try {
      for (const job of ['push', 'scrape']) {
        await waitFor(
          `job ${job} to hold all 30000 requests`,
          async () => {
            const h = (await instantQuery(api, `sum(task_duration_seconds{job="${job}"})`))[0]?.histogram?.[1]
            return h !== undefined && Number(h.count) === durations.length ? true : undefined
          },
          30_000,
          250,
        )
      }
      const pushed = (await instantQuery(api, 'task_duration_seconds{job="push"}'))[0]
      expect(pushed?.metric).toEqual({ __name__: 'task_duration_seconds', job: 'push', instance: 'pod-1', task: 'api' })
      const histogram = pushed?.histogram?.[1]
      if (histogram === undefined) throw new Error('no pushed histogram')
      const bound = nativeErrorBound(schemaOf(histogram), new BucketLayout(2))
      const sorted = pooledSeconds([durations])
      for (const q of [0.5, 0.9, 0.99, 0.999]) {
        const viaPush = await scalarQuery(api, `histogram_quantile(${q}, sum(task_duration_seconds{job="push"}))`)
        const viaScrape = await scalarQuery(api, `histogram_quantile(${q}, sum(task_duration_seconds{job="scrape"}))`)
        expect(viaPush, `q=${q}`).toBe(viaScrape)
        expect(Math.abs((viaPush ?? 0) / exactQuantile(sorted, q) - 1), `q=${q}`).toBeLessThanOrEqual(bound)
      }
      expect(await scalarQuery(api, 'sum(requests_total{job="push"})')).toBe(durations.length)
      expect(await scalarQuery(api, 'sum(tasks_completed_total{job="push", task="api"})')).toBe(durations.length)
      // Classic buckets are pushed too (2.42 ignores them when it scrapes a native histogram).
      expect(await scalarQuery(api, 'task_duration_seconds_bucket{job="push", le="+Inf"}')).toBe(durations.length)
      expect(await scalarQuery(api, 'count(task_duration_seconds_bucket{job="scrape"})')).toBeUndefined()
      const sent = await waitFor(
        'the agent to report samples sent',
        async () => {
          const value = await scalarQuery(api, 'max(taskmeter_remote_write_samples_sent_total{job="push"})')
          return value !== undefined && value > 0 ? value : undefined
        },
        10_000,
        250,
      )
      expect(sent).toBeGreaterThan(0)
    } catch (err) {
      throw new Error(
        `${err instanceof Error ? err.message : String(err)}\nagent:\n${agent.output().slice(-3000)}\nprometheus:\n${prometheus.log()}`,
      )
    }
  }, 120_000)
})
