// Every PromQL expression of every panel of /grafana-dashboard, run against a real Prometheus that
// scrapes a real agent with a config derived from deploy/prometheus/prometheus.yml (targets
// rewritten to the test agent; scrape interval and the compose service's retention flag kept).
// Template variables are substituted as Grafana does: `$task` as All (.+) and as a multi-select of
// two tasks (one with a regex metacharacter), `$__rate_interval` as 4 scrape intervals.
// It runs twice: against a classic Prometheus, where every expression but the native histogram ones
// returns data, and with --enable-feature=native-histograms, where 2.42 stores only the native part
// of task_duration_seconds: there the classic `_bucket` ones are empty.
// Every panel returns data in both.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { EVENT_KIND, type EncodedBytes, encodeClientId, encodeName } from '@taskmeter/protocol'
import { afterAll, describe, expect, it } from 'vitest'
import { parse, stringify } from 'yaml'
import type { GrafanaDashboard } from '../agent/src/expose/grafana/grafana-model.js'
import { type AgentProcess, REPO_ROOT, startAgentProcess } from './harness/agent-process.js'
import { getJson, waitFor } from './harness/poll.js'
import { UdpSender, steadyTraffic } from './harness/udp-sender.js'
import {
  isClassicBucketExpression,
  isNativeHistogramExpression,
  multiValueRegex,
  panelExpressions,
  substitute,
} from './grafana-expressions.js'
import { type PrometheusServer, startPrometheus } from './prometheus-server.js'

function bytes(encoded: EncodedBytes | string, what: string): EncodedBytes {
  if (typeof encoded === 'string') throw new Error(`cannot encode ${what}: ${encoded}`)
  return encoded
}

interface PromConfig {
  global: { scrape_interval: string }
  rule_files?: string[]
  scrape_configs: Array<{
    job_name: string
    static_configs: Array<{ targets: string[]; labels?: Record<string, string> }>
  }>
}

/** deploy/prometheus/prometheus.yml with every target pointed at the test agent. */
function derivedConfig(httpPort: number): { yaml: string; scrapeSeconds: number } {
  const config = parse(
    readFileSync(path.join(REPO_ROOT, 'deploy', 'prometheus', 'prometheus.yml'), 'utf8'),
  ) as PromConfig
  // The derived file lives in a temp dir: point rule files at the committed files that compose
  // mounts at their container paths.
  if (config.rule_files !== undefined) config.rule_files = config.rule_files.map(hostPathOf)
  for (const job of config.scrape_configs)
    for (const group of job.static_configs) group.targets = group.targets.map(() => `127.0.0.1:${httpPort}`)
  const match = /^(\d+)s$/.exec(config.global.scrape_interval)
  if (match === null) throw new Error(`expected a scrape interval in seconds, got ${config.global.scrape_interval}`)
  return { yaml: stringify(config), scrapeSeconds: Number(match[1]) }
}

/** Maps a path in the compose prometheus container (relative ones from its config's folder) to the repository file mounted there. */
function hostPathOf(containerPath: string): string {
  const compose = parse(readFileSync(path.join(REPO_ROOT, 'deploy', 'docker-compose.yml'), 'utf8')) as {
    services: { prometheus: { volumes: string[] } }
  }
  const absolute = path.posix.resolve('/etc/prometheus', containerPath)
  let best: { target: string; source: string } | null = null
  for (const volume of compose.services.prometheus.volumes) {
    const [source, target] = volume.split(':') as [string, string]
    const covers = absolute === target || absolute.startsWith(target.endsWith('/') ? target : `${target}/`)
    if (source.startsWith('.') && covers && (best === null || target.length > best.target.length))
      best = { target, source }
  }
  if (best === null) throw new Error(`rule file ${containerPath} is not mounted into the compose prometheus service`)
  return path.join(REPO_ROOT, 'deploy', best.source, path.posix.relative(best.target, absolute))
}

/** The compose prometheus service's flags other than the paths the test must own. */
function composeFlags(): string[] {
  const compose = parse(readFileSync(path.join(REPO_ROOT, 'deploy', 'docker-compose.yml'), 'utf8')) as {
    services: { prometheus: { command: string[] } }
  }
  return compose.services.prometheus.command.filter(
    (flag) => !flag.startsWith('--config.file=') && !flag.startsWith('--storage.tsdb.path='),
  )
}

interface MatrixResponse {
  status: string
  error?: string
  data: {
    resultType: string
    result: Array<{ metric: Record<string, string>; values?: Array<[number, string]>; histograms?: unknown[] }>
  }
}

const agents: AgentProcess[] = []
const servers: PrometheusServer[] = []
afterAll(async () => {
  for (const server of servers) await server.stop()
  for (const agent of agents) await agent.stop()
})

describe.each([{ native: false }, { native: true }])(
  'the Grafana dashboard against a real Prometheus (native histograms: $native)',
  ({ native }) => {
    it('returns data for every panel, and for each expression Prometheus can answer, for All and for a multi-select of tasks', async () => {
      const agent = await startAgentProcess()
      agents.push(agent)
      const { yaml, scrapeSeconds } = derivedConfig(agent.httpPort)
      const flags = composeFlags()
      expect(flags).toContain('--storage.tsdb.retention.time=15d')
      const server = await startPrometheus(yaml, native ? [...flags, '--enable-feature=native-histograms'] : flags)
      servers.push(server)

      const sender = new UdpSender(agent.udpPort)
      const checkout = bytes(encodeName('checkout'), 'checkout')
      const dbQuery = bytes(encodeName('db.query'), 'db.query')
      const client = bytes(encodeClientId('grafana-test'), 'client id')
      // A steady mix until the queries answer (bounded: at most 1 500 batches of 100 ms).
      const traffic = steadyTraffic(sender, 1_500, async (batch) => {
        for (let i = 0; i < 40; i++) {
          await sender.append(EVENT_KIND.timing, checkout, 3 + ((batch * 40 + i) % 97) * 2.5)
          await sender.append(
            i % 8 === 0 ? EVENT_KIND.task_end_error : EVENT_KIND.task_end_success,
            dbQuery,
            0.5 + (i % 13),
          )
        }
        await sender.inflight(client, batch + 1, 1000, [checkout, dbQuery], [3, 1])
      })

      const dashboard = await getJson<GrafanaDashboard>(`${agent.baseUrl}/grafana-dashboard`)
      const expressions = panelExpressions(dashboard)
      expect(expressions.length).toBeGreaterThanOrEqual(10)
      // Grafana's $__rate_interval with the provisioned datasource's timeInterval (the scrape interval).
      const rateInterval = `${4 * scrapeSeconds}s`
      const selections = { all: '.+', multi: multiValueRegex(['checkout', 'db.query']) }

      const rangeQuery = async (promql: string): Promise<MatrixResponse['data']['result']> => {
        const end = Date.now() / 1000
        const url = `${server.api}/api/v1/query_range?query=${encodeURIComponent(promql)}&start=${end - 120}&end=${end}&step=${scrapeSeconds}`
        const body = await getJson<MatrixResponse>(url)
        if (body.status !== 'success') throw new Error(`${promql}: ${body.error ?? JSON.stringify(body)}`)
        return body.data.result
      }

      try {
        const panelsWithData = new Set<string>()
        for (const [selection, task] of Object.entries(selections)) {
          for (const { panel, refId, expr } of expressions) {
            if (native ? isClassicBucketExpression(expr) : isNativeHistogramExpression(expr)) continue
            const promql = substitute(expr, { task, rateInterval })
            const result = await waitFor(
              `${panel} ${refId} ($task=${selection}) to return data: ${promql}`,
              async () => {
                const series = await rangeQuery(promql)
                const finite = series.some(
                  (s) =>
                    (s.values ?? []).some(([, v]) => Number.isFinite(Number(v))) || (s.histograms ?? []).length > 0,
                )
                return series.length > 0 && finite ? series : undefined
              },
              45_000,
              500,
            )
            expect(result.length, `${panel} ${refId}`).toBeGreaterThan(0)
            panelsWithData.add(panel)
            const tasks = new Set(result.map((s) => s.metric.task).filter((t) => t !== undefined))
            // Per-task panels show both selected tasks (the heatmap sums them into one series).
            if (/sum by \(task/.test(expr) || expr.startsWith('task_duration_window_seconds'))
              expect([...tasks].sort(), `${panel} ${refId}`).toEqual(['checkout', 'db.query'])
          }
        }

        expect([...panelsWithData].sort()).toEqual(dashboard.panels.map((p) => p.title).sort())

        // The task variable's own query, label_values(requests_total, task), as Grafana runs it.
        const values = await getJson<{ status: string; data: string[] }>(
          `${server.api}/api/v1/label/task/values?match[]=requests_total`,
        )
        expect(values.data).toEqual(expect.arrayContaining(['checkout', 'db.query']))
      } catch (err) {
        throw new Error(`${err instanceof Error ? err.message : String(err)}\nprometheus log:\n${server.log()}`)
      } finally {
        await traffic.stop()
        sender.close()
      }
    }, 120_000)
  },
)
