// The fleet test: three agents on loopback with known latency mixes, scraped by a real Prometheus
// 2.42 with --enable-feature=native-histograms (and, for comparison, one without it).
// histogram_quantile over the summed native histograms must be within the schema's error bound of
// the exact pooled percentiles; the classic-bucket error for the same data is printed beside it.
// Cumulative sums, not rate(): rate extrapolates per series and would blur the comparison.
import { afterAll, describe, expect, it } from 'vitest'
import { BucketLayout } from '../agent/src/aggregate/bucket-layout.js'
import { nativeErrorBound } from '../agent/src/expose/prometheus/native-histogram.js'
import { type AgentProcess, startAgentProcess } from './harness/agent-process.js'
import { bimodalUs, exactQuantile, lognormalUs, pooledSeconds, sendTimings } from './harness/latency-mix.js'
import { waitFor } from './harness/poll.js'
import { type NativeHistogramValue, instantQuery, scalarQuery, schemaOf } from './harness/prometheus-query.js'
import { type PrometheusServer, startPrometheus } from './prometheus-server.js'

const QUANTILES = [0.5, 0.9, 0.99, 0.999]
const TASK = 'api'

function scrapeConfig(ports: number[]): string {
  const targets = ports.map((p) => `'127.0.0.1:${p}'`).join(', ')
  return [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    'scrape_configs:',
    '  - job_name: fleet',
    '    static_configs:',
    `      - targets: [${targets}]`,
    '',
  ].join('\n')
}

const agents: AgentProcess[] = []
const servers: PrometheusServer[] = []
afterAll(async () => {
  for (const server of servers) await server.stop()
  for (const agent of agents) await agent.stop()
})

describe('fleet-wide percentiles from native histograms', () => {
  it('histogram_quantile(q, sum(task_duration_seconds)) is within the schema bound of the exact pooled percentiles', async () => {
    const mixes = [lognormalUs(100_000, 20, 0.6, 1), lognormalUs(50_000, 45, 0.9, 2), bimodalUs(20_000, 4, 300, 0.8, 3)]
    for (let i = 0; i < mixes.length; i++) agents.push(await startAgentProcess())
    await Promise.all(
      agents.map((agent, i) => sendTimings(agent.udpPort, agent.baseUrl, TASK, mixes[i] as Float64Array)),
    )
    const total = 170_000
    const pooled = pooledSeconds(mixes)

    const config = scrapeConfig(agents.map((a) => a.httpPort))
    const native = await startPrometheus(config, ['--enable-feature=native-histograms'])
    servers.push(native)
    const classic = await startPrometheus(config)
    servers.push(classic)
    try {
      const summed = await waitFor(
        "the native Prometheus to hold all three agents' histograms",
        async () => {
          const result = await instantQuery(native.api, `sum(task_duration_seconds{task="${TASK}"})`)
          const histogram = result[0]?.histogram?.[1]
          return histogram !== undefined && Number(histogram.count) === total ? histogram : undefined
        },
        30_000,
        250,
      )
      await waitFor(
        "the classic Prometheus to hold all three agents' buckets",
        async () =>
          (await scalarQuery(classic.api, `sum(task_duration_seconds_count{task="${TASK}"})`)) === total
            ? true
            : undefined,
        30_000,
        250,
      )

      const schema = schemaOf(summed as NativeHistogramValue)
      const bound = nativeErrorBound(schema, new BucketLayout(2))
      const rows: string[] = []
      for (const q of QUANTILES) {
        const exact = exactQuantile(pooled, q)
        const nativeValue = await scalarQuery(
          native.api,
          `histogram_quantile(${q}, sum(task_duration_seconds{task="${TASK}"}))`,
        )
        const classicValue = await scalarQuery(
          classic.api,
          `histogram_quantile(${q}, sum by (le) (task_duration_seconds_bucket{task="${TASK}"}))`,
        )
        if (nativeValue === undefined || classicValue === undefined) throw new Error(`no answer for q=${q}`)
        const nativeError = nativeValue / exact - 1
        const classicError = classicValue / exact - 1
        rows.push(
          `q=${String(q).padEnd(5)} exact ${(exact * 1000).toFixed(3).padStart(9)} ms   native ${(nativeValue * 1000).toFixed(3).padStart(9)} ms (${(nativeError * 100).toFixed(2).padStart(6)} %)   classic ${(classicValue * 1000).toFixed(3).padStart(9)} ms (${(classicError * 100).toFixed(2).padStart(7)} %)`,
        )
        expect(
          Math.abs(nativeError),
          `q=${q}: native ${nativeValue} vs exact ${exact}, bound ${bound}`,
        ).toBeLessThanOrEqual(bound)
      }
      process.stdout.write(
        `\nfleet of 3 agents, ${total} requests (100k lognormal 20 ms σ0.6, 50k lognormal 45 ms σ0.9, 20k bimodal 4/300 ms), summed native schema ${schema}, bound ±${(bound * 100).toFixed(2)} %\n${rows.join('\n')}\n`,
      )
    } catch (err) {
      throw new Error(
        `${err instanceof Error ? err.message : String(err)}\nnative prometheus log:\n${native.log()}\nclassic prometheus log:\n${classic.log()}`,
      )
    }
  }, 120_000)
})
