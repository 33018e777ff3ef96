// The rules end to end: the agent under real UDP traffic, scraped every second by a real
// `prometheus` that loads the rules generated with --test-windows (hours → minutes, minutes →
// seconds). Task "checkout" fails 5% of its requests (50× the 0.1% budget of the 99.9% SLO);
// task "search" fails 0.02% (a fifth of the budget). The recording rules must agree with the
// agent's own /dashboard and /metrics, the error burn-rate alerts must fire for checkout, and
// nothing may fire for search or for the agent's health over the same time.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { EVENT_KIND, type EncodedBytes, encodeName } from '@taskmeter/protocol'
import { afterAll, describe, expect, it } from 'vitest'
import { type AgentProcess, startAgentProcess } from './harness/agent-process.js'
import { getJson, getText, waitFor } from './harness/poll.js'
import { sampleValue } from './harness/prometheus-text.js'
import { UdpSender } from './harness/udp-sender.js'
import { type PrometheusServer, startPrometheus } from './prometheus-server.js'
import { runGenerator } from './rules-commands.js'

interface PromSample {
  metric: Record<string, string>
  value: [number, string]
}
interface PromAlert {
  labels: Record<string, string>
  state: 'pending' | 'firing'
}
interface PromRule {
  name: string
  health: string
  lastError?: string
}
interface TaskFigures {
  rps: number
  error_rate: number
  window: { latency_ms: { p50: number; p95: number; p99: number } }
}

function name(text: string): EncodedBytes {
  const encoded = encodeName(text)
  if (typeof encoded === 'string') throw new Error(`cannot encode ${text}: ${encoded}`)
  return encoded
}

const cleanups: Array<() => Promise<void> | void> = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

/**
 * 200 latencies (ms) spread evenly inside classic buckets, so that histogram_quantile's linear
 * interpolation is close to exact: 40% in (10, 25], 50% in (25, 50], 9.5% in (100, 250] and
 * 0.5% in (250, 500] (slower than the 0.25 s threshold: half the 1% latency budget). Interpolated:
 * p50 30 ms, p95 179 ms, p99 242 ms. The order strides through the list (73 is prime to 200) so
 * that any run of the cycle, as a 5 s rate window sees it, has the same mix.
 */
function latencyCycleMs(): number[] {
  const spread = (lo: number, hi: number, n: number): number[] =>
    Array.from({ length: n }, (_, i) => lo + ((hi - lo) * (i + 0.5)) / n)
  const sorted = [...spread(10, 25, 80), ...spread(25, 50, 100), ...spread(100, 250, 19), ...spread(250, 500, 1)]
  return sorted.map((_, i) => sorted[(i * 73) % sorted.length] ?? 0)
}

/** Relative difference, for the report in the test output. */
const off = (got: number, want: number): number => Math.abs(got - want) / Math.abs(want)

describe('the generated rules in a real prometheus scraping a real agent', () => {
  it('record what /dashboard shows, fire the error burn-rate alerts for a failing task, and stay quiet for a healthy one', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'taskmeter-rules-e2e-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const rulesFile = path.join(dir, 'taskmeter.rules.yml')
    const generated = await runGenerator(['--test-windows', '--out', rulesFile])
    expect(generated.code, generated.stderr).toBe(0)

    const agent: AgentProcess = await startAgentProcess(['--window', '10'])
    cleanups.push(() => agent.stop().then(() => undefined))
    const prometheus: PrometheusServer = await startPrometheus(
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        '  evaluation_interval: 1s',
        'rule_files:',
        `  - ${JSON.stringify(rulesFile)}`,
        'scrape_configs:',
        '  - job_name: taskmeter',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${agent.httpPort}']`,
        '',
      ].join('\n'),
    )
    cleanups.push(() => prometheus.stop())
    const started = Date.now()

    // 200 requests/s per task, in batches every 50 ms, latencies from the fixed cycle above.
    const cycle = latencyCycleMs()
    const sender = new UdpSender(agent.udpPort)
    const checkout = name('checkout')
    const search = name('search')
    let sending = true
    let sent = 0
    const traffic = (async () => {
      for (let batch = 0; sending && batch < 2_400; batch++) {
        for (let i = 0; i < 10; i++, sent++) {
          const ms = cycle[sent % cycle.length] ?? 0
          await sender.append(sent % 20 === 7 ? EVENT_KIND.task_end_error : EVENT_KIND.timing, checkout, ms)
          await sender.append(sent % 5000 === 4999 ? EVENT_KIND.task_end_error : EVENT_KIND.timing, search, ms)
        }
        await sender.flush()
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    })()
    cleanups.push(async () => {
      sending = false
      await traffic
      sender.close()
    })

    const query = async (promql: string): Promise<PromSample[]> => {
      const body = await getJson<{ status: string; data: { result: PromSample[] } }>(
        `${prometheus.api}/api/v1/query?query=${encodeURIComponent(promql)}`,
      )
      if (body.status !== 'success') throw new Error(`${promql}: ${JSON.stringify(body)}`)
      return body.data.result
    }
    const one = async (promql: string): Promise<number> => {
      const result = await query(promql)
      expect(result, promql).toHaveLength(1)
      return Number(result[0]?.value[1])
    }
    const alerts = async (): Promise<PromAlert[]> =>
      (await getJson<{ data: { alerts: PromAlert[] } }>(`${prometheus.api}/api/v1/alerts`)).data.alerts
    const describeAlerts = (list: PromAlert[]): string =>
      list.map((a) => `${a.labels.alertname}{task=${a.labels.task ?? '-'}} ${a.state}`).join(', ')
    // Everything that fires or is pending for anything but checkout's error budget is a failure,
    // checked at every poll (not only at the end).
    const unexpected: string[] = []
    const watch = (list: PromAlert[]): PromAlert[] => {
      for (const a of list)
        if (!(a.labels.task === 'checkout' && a.labels.alertname?.startsWith('TaskmeterErrorBudget')))
          unexpected.push(describeAlerts([a]))
      return list
    }

    try {
      const firing = (list: PromAlert[], alertname: string): boolean =>
        list.some((a) => a.labels.alertname === alertname && a.labels.task === 'checkout' && a.state === 'firing')
      await waitFor(
        'TaskmeterErrorBudgetFastBurn firing for checkout',
        async () => (firing(watch(await alerts()), 'TaskmeterErrorBudgetFastBurn') ? true : undefined),
        45_000,
        250,
      )
      const fastFiredSeconds = (Date.now() - started) / 1000

      // The slow burn (for 15s here) fires too; meanwhile search, at a fifth of its budget, and the
      // agent-health alerts stay quiet for the same time.
      await waitFor(
        'TaskmeterErrorBudgetSlowBurn firing for checkout',
        async () => (firing(watch(await alerts()), 'TaskmeterErrorBudgetSlowBurn') ? true : undefined),
        40_000,
        250,
      )
      expect(unexpected, 'alerts that must stay quiet').toEqual([])
      expect(await one('job_task:requests_errors:ratio_rate1m{task="search"}')).toBeLessThan(0.001)
      const slowFiredSeconds = (Date.now() - started) / 1000

      // Recording rules against the agent, read at the same moment, now that every 5 s window is
      // covered by samples (rate() of a series younger than its window underestimates).
      const [dashboard, metrics] = await Promise.all([
        getJson<{ tasks: Record<string, TaskFigures> }>(`${agent.baseUrl}/dashboard`),
        getText(`${agent.baseUrl}/metrics`),
      ])
      const task = dashboard.tasks.checkout as TaskFigures
      const rate = await one('job_task:requests:rate5s{task="checkout"}')
      const errorRatio = await one('job_task:requests_errors:ratio_rate1m{task="checkout"}')
      const slowRatio = await one('job_task:requests_slow:ratio_rate1m{task="checkout"}')
      const quantiles: Record<string, number> = {}
      for (const q of ['0.5', '0.95', '0.99'])
        quantiles[q] = await one(
          `job_task_quantile:task_duration_seconds:histogram_quantile{task="checkout",quantile="${q}"}`,
        )
      const count = sampleValue(metrics, 'task_duration_seconds_count', { task: 'checkout' }) as number
      const fast = sampleValue(metrics, 'task_duration_seconds_bucket', { task: 'checkout', le: '0.25' }) as number
      const agreement = {
        rate_rps: { rule: rate, dashboard: task.rps, off: off(rate, task.rps) },
        error_ratio: { rule: errorRatio, dashboard: task.error_rate, off: off(errorRatio, task.error_rate) },
        slow_ratio: { rule: slowRatio, metrics: 1 - fast / count, off: off(slowRatio, 1 - fast / count) },
        p50_s: {
          rule: quantiles['0.5'],
          dashboard: task.window.latency_ms.p50 / 1000,
          off: off(quantiles['0.5'] ?? 0, task.window.latency_ms.p50 / 1000),
        },
        p95_s: {
          rule: quantiles['0.95'],
          dashboard: task.window.latency_ms.p95 / 1000,
          off: off(quantiles['0.95'] ?? 0, task.window.latency_ms.p95 / 1000),
        },
        p99_s: {
          rule: quantiles['0.99'],
          dashboard: task.window.latency_ms.p99 / 1000,
          off: off(quantiles['0.99'] ?? 0, task.window.latency_ms.p99 / 1000),
        },
      }
      console.log(
        `fast burn firing after ${fastFiredSeconds.toFixed(1)} s, slow burn after ${slowFiredSeconds.toFixed(1)} s; agreement ${JSON.stringify(agreement)}`,
      )
      // Rates: a 5 s rate() against the agent's 10 s window of a timer-paced sender.
      expect(agreement.rate_rps.off).toBeLessThan(0.1)
      // Every 20th request fails, in both counts.
      expect(agreement.error_ratio.off).toBeLessThan(0.05)
      expect(agreement.slow_ratio.off).toBeLessThan(0.2)
      // Classic buckets interpolate linearly; the cycle is spread evenly inside each bucket, so the
      // estimate lands within a few percent of the exact HdrHistogram percentile.
      for (const q of ['p50_s', 'p95_s', 'p99_s'] as const) expect(agreement[q].off, q).toBeLessThan(0.05)

      // Every rule evaluated without error in this Prometheus.
      const groups = (
        await getJson<{ data: { groups: Array<{ rules: PromRule[] }> } }>(`${prometheus.api}/api/v1/rules`)
      ).data.groups
      const rules = groups.flatMap((g) => g.rules)
      expect(rules.length).toBeGreaterThanOrEqual(27)
      expect(rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.health} ${r.lastError ?? ''}`)).toEqual(
        [],
      )
    } catch (err) {
      throw new Error(
        `${err instanceof Error ? err.message : String(err)}\nalerts: ${describeAlerts(await alerts().catch(() => []))}\nprometheus log:\n${prometheus.log()}`,
      )
    }
  }, 90_000)
})
