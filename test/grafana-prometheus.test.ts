// Every PromQL expression of every panel of /grafana-dashboard (the collapsed agent row's too), and
// every template variable's query, run against a real Prometheus that scrapes a real agent twice:
// as the compose job of deploy/prometheus/prometheus.yml (no namespace or pod labels) and as the
// Prometheus Operator would (grafana-prometheus-config.ts). Template variables are substituted as
// Grafana does: all of them All; one real value each of the Operator's job, namespace and pod; and
// the compose job with namespace and pod All (which must match series without those labels). The
// tasks are a multi-select of two (one with a regex metacharacter), `$__rate_interval` 4 scrape
// intervals. The traffic carries some invalid input, so the "by reason" queries have data.
// It runs twice: against a classic Prometheus, where every expression but the native histogram ones
// returns data, and with --enable-feature=native-histograms, where 2.42 stores only the native part
// of task_duration_seconds: there the classic `_bucket` ones are empty.
// Every panel returns data in both.
import { EVENT_KIND, type EncodedBytes, encodeClientId, encodeName } from '@taskmeter/protocol'
import { afterAll, describe, expect, it } from 'vitest'
import type { GrafanaDashboard } from '../agent/src/expose/grafana/grafana-model.js'
import { type AgentProcess, startAgentProcess } from './harness/agent-process.js'
import { getJson, waitFor } from './harness/poll.js'
import { UdpSender, steadyTraffic } from './harness/udp-sender.js'
import {
  type VariableValues,
  allPanels,
  isClassicBucketExpression,
  isNativeHistogramExpression,
  multiValueRegex,
  panelExpressions,
  substitute,
} from './grafana-expressions.js'
import { COMPOSE_JOB, OPERATOR_TARGET, composeFlags, derivedConfig } from './grafana-prometheus-config.js'
import { type PrometheusServer, startPrometheus } from './prometheus-server.js'

function bytes(encoded: EncodedBytes | string, what: string): EncodedBytes {
  if (typeof encoded === 'string') throw new Error(`cannot encode ${what}: ${encoded}`)
  return encoded
}

interface MatrixResponse {
  status: string
  error?: string
  data: {
    resultType: string
    result: Array<{ metric: Record<string, string>; values?: Array<[number, string]>; histograms?: unknown[] }>
  }
}

type Selection = Omit<VariableValues, 'rateInterval'>
const TASKS = multiValueRegex(['checkout', 'db.query'])
const SELECTIONS: Record<string, Selection> = {
  all: { job: '.+', namespace: '.*', pod: '.*', task: '.+' },
  operator: {
    job: multiValueRegex([OPERATOR_TARGET.job]),
    namespace: multiValueRegex([OPERATOR_TARGET.namespace]),
    pod: multiValueRegex([OPERATOR_TARGET.pod]),
    task: TASKS,
  },
  compose: { job: multiValueRegex([COMPOSE_JOB]), namespace: '.*', pod: '.*', task: TASKS },
}
/** The jobs each selection must show, each apart from the other. */
const JOBS: Record<string, string[]> = {
  all: [OPERATOR_TARGET.job, COMPOSE_JOB].sort(),
  operator: [OPERATOR_TARGET.job],
  compose: [COMPOSE_JOB],
}

// Invalid input the agent counts under a reason: a protocol datagram of an unknown version, an
// event whose name is past the 200-byte limit (hand-built: the encoder refuses it), a StatsD line
// with no type.
const BAD_VERSION_DATAGRAM = Buffer.from([0xfe, 0x7f, 0, 0, 0, 0])
const LONG_NAME = Buffer.concat([Buffer.from([0xd9, 201]), Buffer.from('n'.repeat(201))])
const UNTYPED_LINE = Buffer.from('checkout.bad:12\n')

const agents: AgentProcess[] = []
const servers: PrometheusServer[] = []
afterAll(async () => {
  for (const server of servers) await server.stop()
  for (const agent of agents) await agent.stop()
})

describe.each([{ native: false }, { native: true }])(
  'the Grafana dashboard against a real Prometheus (native histograms: $native)',
  ({ native }) => {
    it('returns data for every panel and variable, for All, the Operator labels and the compose job, never summing apps together', async () => {
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
        await sender.append(EVENT_KIND.timing, LONG_NAME, 1)
        await sender.inflight(client, batch + 1, 1000, [checkout, dbQuery], [3, 1])
        await sender.sendRaw(BAD_VERSION_DATAGRAM)
        await sender.sendRaw(UNTYPED_LINE)
      })

      const dashboard = await getJson<GrafanaDashboard>(`${agent.baseUrl}/grafana-dashboard`)
      const expressions = panelExpressions(dashboard)
      expect(expressions.length).toBeGreaterThanOrEqual(25)
      // Grafana's $__rate_interval with the provisioned datasource's timeInterval (the scrape interval).
      const rateInterval = `${4 * scrapeSeconds}s`

      const rangeQuery = async (promql: string): Promise<MatrixResponse['data']['result']> => {
        const end = Date.now() / 1000
        const url = `${server.api}/api/v1/query_range?query=${encodeURIComponent(promql)}&start=${end - 120}&end=${end}&step=${scrapeSeconds}`
        const body = await getJson<MatrixResponse>(url)
        if (body.status !== 'success') throw new Error(`${promql}: ${body.error ?? JSON.stringify(body)}`)
        return body.data.result
      }

      try {
        const panelsWithData = new Set<string>()
        for (const [selection, values] of Object.entries(SELECTIONS)) {
          for (const { panel, refId, expr, exemplar } of expressions) {
            if (native ? isClassicBucketExpression(expr) : isNativeHistogramExpression(expr)) continue
            const promql = substitute(expr, { ...values, rateInterval })
            const where = `${panel} ${refId} (${selection})`
            const apps = panel.includes('all apps') ? [undefined] : (JOBS[selection] as string[])
            const jobsOf = (series: MatrixResponse['data']['result']): Array<string | undefined> =>
              [...new Set(series.map((s) => s.metric.job))].sort()
            // Both jobs' scrapes must have landed before the answer is complete.
            const result = await waitFor(
              `${where} to return data for ${apps.length} app(s): ${promql}`,
              async () => {
                const series = await rangeQuery(promql)
                const finite = series.some(
                  (s) =>
                    (s.values ?? []).some(([, v]) => Number.isFinite(Number(v))) || (s.histograms ?? []).length > 0,
                )
                return finite && jobsOf(series).length >= apps.length ? series : undefined
              },
              45_000,
              500,
            )
            expect(result.length, where).toBeGreaterThan(0)
            panelsWithData.add(panel)
            // Per-task panels show both selected tasks (the heatmap sums them into one series).
            const tasks = new Set(result.map((s) => s.metric.task).filter((t) => t !== undefined))
            if (/sum by \([^)]*task/.test(expr) || expr.startsWith('task_duration_window_seconds'))
              expect([...tasks].sort(), where).toEqual(['checkout', 'db.query'])
            // Each app apart: only the panel titled "all apps" adds them together.
            expect(jobsOf(result), where).toEqual(apps)
            if (selection === 'operator' && !panel.includes('all apps'))
              for (const s of result) expect(s.metric.namespace, where).toBe(OPERATOR_TARGET.namespace)
            if (exemplar) {
              // Prometheus accepts the query for exemplars too (it holds none: the agent sends none yet).
              const end = Date.now() / 1000
              const body = await getJson<{ status: string }>(
                `${server.api}/api/v1/query_exemplars?query=${encodeURIComponent(promql)}&start=${end - 120}&end=${end}`,
              )
              expect(body.status, where).toBe('success')
            }
          }
        }
        expect([...panelsWithData].sort()).toEqual(
          allPanels(dashboard)
            .map(({ panel }) => panel.title)
            .sort(),
        )

        // Each variable's label_values(selector, label), as Grafana runs it, with the others All.
        const expected: Record<string, string[]> = {
          namespace: [OPERATOR_TARGET.namespace],
          job: JOBS.all as string[],
          pod: [OPERATOR_TARGET.pod],
          task: ['checkout', 'db.query'],
        }
        for (const variable of dashboard.templating.list) {
          if (variable.type !== 'query') continue
          const match = /^label_values\((.+), (\w+)\)$/.exec(variable.query.query)
          expect(match, variable.query.query).not.toBeNull()
          const selector = substitute(match?.[1] ?? '', { ...(SELECTIONS.all as Selection), rateInterval })
          const body = await getJson<{ status: string; data: string[] }>(
            `${server.api}/api/v1/label/${match?.[2]}/values?match[]=${encodeURIComponent(selector)}`,
          )
          expect(body.data.sort(), variable.name).toEqual(expected[variable.name])
        }
      } catch (err) {
        throw new Error(`${err instanceof Error ? err.message : String(err)}\nprometheus log:\n${server.log()}`)
      } finally {
        await traffic.stop()
        sender.close()
      }
    }, 240_000)
  },
)
