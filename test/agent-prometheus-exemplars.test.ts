// From a slow bucket to its trace, with real parts: a UDP client sends timings with exemplars
// (protocol type 11, built with the protocol encoder) and a DogStatsD timer with --exemplar-tags;
// a real Prometheus 2.42 with exemplar storage scrapes the agent (it asks for OpenMetrics first)
// and /api/v1/query_exemplars gives back each trace id on its `le` bucket. /dashboard links the
// slowest one. promtool 2.42 lints only text format 0.0.4: what it can check is that the 0.0.4
// body stays clean with exemplars held, and it refuses OpenMetrics' exemplar syntax (pinned here,
// so a promtool that learns it shows up); OpenMetrics validity is Prometheus' own parse, above.
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import dgram from 'node:dgram'
import { BatchEncoder, EVENT_KIND, encodeName } from '@taskmeter/protocol'
import { afterAll, describe, expect, it } from 'vitest'
import { type AgentProcess, startAgentProcess } from './harness/agent-process.js'
import { getJson, getText, waitFor } from './harness/poll.js'
import { sampleValue } from './harness/prometheus-text.js'
import { runProcess } from './harness/run-process.js'
import { requireTool } from './harness/system-tool.js'
import { PROMETHEUS_INSTALL_HINT, type PrometheusServer, startPrometheus } from './prometheus-server.js'

const SPAN = '00f067aa0ba902b7'
// One trace per bucket of --buckets 0.01,0.1,1: 5 ms, 67 ms, 500 ms (StatsD), 2.5 s (+Inf).
const TRACES = {
  '0.01': '4bf92f3577b34da6a3ce929d0e0e4736',
  '0.1': '0af7651916cd43dd8448eb211c80319c',
  '1': 'a3ce929d0e0e47364bf92f3577b34da6',
  '+Inf': '8448eb211c80319c0af7651916cd43dd',
} as const
const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'

interface ExemplarsResponse {
  status: string
  data: Array<{
    seriesLabels: Record<string, string>
    exemplars: Array<{ labels: Record<string, string>; value: string }>
  }>
}

function send(port: number, datagrams: Uint8Array[]): Promise<void> {
  const socket = dgram.createSocket('udp4')
  return (async () => {
    for (const datagram of datagrams)
      await new Promise<void>((resolve, reject) =>
        socket.send(datagram, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
      )
    socket.close()
  })()
}

/** Prometheus scraping the agent on `port` every second. */
function scrapeConfig(port: number): string {
  return `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: taskmeter\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`
}

function protocolDatagram(): Uint8Array {
  const encoder = new BatchEncoder(1432)
  const checkout = encodeName('checkout') as Uint8Array
  const pairs: Array<[number, number, string]> = [
    [EVENT_KIND.timing, 5, TRACES['0.01']],
    [EVENT_KIND.timing, 67, TRACES['0.1']],
    [EVENT_KIND.task_end_error, 2500, TRACES['+Inf']],
  ]
  for (const [kind, ms, trace] of pairs) {
    expect(encoder.appendExemplar(Buffer.from(trace, 'hex'), Buffer.from(SPAN, 'hex'))).toBe(true)
    expect(encoder.append(kind, checkout, ms, 1, null)).toBe(true)
  }
  return Buffer.from(encoder.datagram())
}

// [11, all-zero trace id, span], then a timing that is kept: one bad_exemplar.
const BAD_PROTOCOL = Buffer.from(
  `fe544d01930bc410${'00'.repeat(16)}c408${SPAN}9301a3${Buffer.from('bad').toString('hex')}05`,
  'hex',
)

describe('exemplars end to end', () => {
  let agent: AgentProcess | undefined
  let prometheus: PrometheusServer | undefined

  afterAll(async () => {
    await prometheus?.stop()
    await agent?.stop()
  })

  it('reach Prometheus on their le buckets, and /dashboard links the slowest', async () => {
    agent = await startAgentProcess([
      '--buckets',
      '0.01,0.1,1',
      '--exemplar-tags',
      'trace_id,span_id',
      '--trace-url-template',
      'http://jaeger:16686/trace/{trace_id}',
    ])
    await send(agent.udpPort, [
      protocolDatagram(),
      Buffer.from(`checkout:500|ms|#trace_id:${TRACES['1']},span_id:${SPAN}`),
      Buffer.from('checkout:7|ms|#trace_id:nothex,span_id:nothex'),
      BAD_PROTOCOL,
    ])
    const metrics = await waitFor('the agent to count every request', async () => {
      const text = await getText(`${agent?.baseUrl}/metrics`)
      return sampleValue(text, 'tasks_completed_total', { task: 'checkout' }) === 5 ? text : undefined
    })
    expect(sampleValue(metrics, 'taskmeter_events_invalid_total', { reason: 'bad_exemplar' })).toBe(2)
    expect(sampleValue(metrics, 'taskmeter_exemplars_total', {})).toBe(4)
    expect(metrics).not.toContain('trace_id')

    const om = await fetch(`${agent.baseUrl}/metrics`, {
      headers: { accept: PROMETHEUS_ACCEPT, 'accept-encoding': 'gzip' },
    })
    expect(om.headers.get('content-type')).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8')
    expect(om.headers.get('content-encoding')).toBe('gzip')
    expect((await om.text()).endsWith('# EOF\n')).toBe(true)

    const dashboard = await getJson<{ tasks: Record<string, { exemplar?: Record<string, unknown> }> }>(
      `${agent.baseUrl}/dashboard`,
    )
    expect(dashboard.tasks.checkout?.exemplar).toMatchObject({
      value_ms: 2500,
      trace_id: TRACES['+Inf'],
      span_id: SPAN,
      url: `http://jaeger:16686/trace/${TRACES['+Inf']}`,
    })

    prometheus = await startPrometheus(scrapeConfig(agent.httpPort), ['--enable-feature=exemplar-storage'])
    const api = prometheus.api
    const start = Math.floor(Date.now() / 1000) - 600
    const byLe = await waitFor(
      'query_exemplars to list all four buckets',
      async () => {
        const end = Math.ceil(Date.now() / 1000) + 600
        const url = `${api}/api/v1/query_exemplars?query=${encodeURIComponent('task_duration_seconds_bucket')}&start=${start}&end=${end}`
        const body = await getJson<ExemplarsResponse>(url)
        const found = new Map<string, string[]>()
        for (const series of body.data ?? [])
          found.set(
            series.seriesLabels.le ?? '',
            series.exemplars.map((e) => e.labels.trace_id ?? ''),
          )
        return found.size === 4 ? found : undefined
      },
      30_000,
      250,
    )
    for (const [le, trace] of Object.entries(TRACES)) expect(byLe.get(le), le).toEqual([trace])

    // The OpenMetrics counter family `requests` came through with its samples' _total names.
    const requests = await getJson<{ data: { result: Array<{ metric: Record<string, string> }> } }>(
      `${api}/api/v1/query?query=${encodeURIComponent('requests_total{task="checkout"}')}`,
    )
    expect(requests.data.result.map((r) => r.metric.status).sort()).toEqual(['error', 'success'])
    const targets = await getJson<{ data: { activeTargets: Array<{ health: string; lastError: string }> } }>(
      `${api}/api/v1/targets`,
    )
    expect(targets.data.activeTargets.map((t) => [t.health, t.lastError])).toEqual([['up', '']])
  })

  it('reach a Prometheus that scrapes protobuf for native histograms, on the native series', async () => {
    // 2.42 reads one exemplar per native histogram, from the classic buckets' (the first that has
    // one); Histogram.exemplars (field 16) is newer than 2.42, which skips it as an unknown field.
    const native = await startAgentProcess(['--buckets', '0.01,0.1,1'])
    const server = await startPrometheus(scrapeConfig(native.httpPort), [
      '--enable-feature=exemplar-storage,native-histograms',
    ])
    try {
      await send(native.udpPort, [protocolDatagram()])
      const start = Math.floor(Date.now() / 1000) - 600
      const traces = await waitFor(
        'query_exemplars on the native histogram',
        async () => {
          const end = Math.ceil(Date.now() / 1000) + 600
          const query = encodeURIComponent('task_duration_seconds')
          const body = await getJson<ExemplarsResponse>(
            `${server.api}/api/v1/query_exemplars?query=${query}&start=${start}&end=${end}`,
          )
          const found = (body.data ?? []).flatMap((series) => series.exemplars.map((e) => e.labels.trace_id))
          return found.length > 0 ? found : undefined
        },
        30_000,
        250,
      )
      expect(traces[0]).toBe(TRACES['0.01'])
    } finally {
      await server.stop()
      await native.stop()
    }
  })

  it('leaves the 0.0.4 body clean for promtool, which cannot read OpenMetrics exemplars', async () => {
    const promtool = requireTool('promtool', PROMETHEUS_INSTALL_HINT)
    if (agent === undefined) throw new Error('the first test starts the agent')
    const dir = mkdtempSync(path.join(os.tmpdir(), 'taskmeter-exemplars-'))
    const text = path.join(dir, 'text.txt')
    const om = path.join(dir, 'om.txt')
    writeFileSync(text, await getText(`${agent.baseUrl}/metrics`))
    const response = await fetch(`${agent.baseUrl}/metrics`, { headers: { accept: PROMETHEUS_ACCEPT } })
    writeFileSync(om, await response.text())
    const lint = (file: string) =>
      runProcess('sh', ['-c', `"${promtool}" check metrics < "${file}"`], { timeoutMs: 20_000 })
    const plain = await lint(text)
    expect({ code: plain.code, output: (plain.stdout + plain.stderr).trim() }).toEqual({ code: 0, output: '' })
    const openMetrics = await lint(om)
    expect(openMetrics.code).not.toBe(0)
    expect(openMetrics.stdout + openMetrics.stderr).toContain('expected integer as timestamp, got "#"')
  })
})
