// The OpenMetrics answer under hostile input: the hostile StatsD names and tags of
// hostile-name-cases.ts, and fuzzed protocol batches with exemplars, into a real agent. A real
// Prometheus 2.42 scrapes it in OpenMetrics (its first choice) without a parse error, and the
// OpenMetrics samples are the text format's, line for line, once the exemplars are cut off.
import { afterAll, describe, expect, it } from 'vitest'
import { type AgentProcess, startAgentProcess } from './harness/agent-process.js'
import { fuzzDatagram } from './harness/fuzz-datagrams.js'
import { STATSD_CASES } from './harness/hostile-name-cases.js'
import { getJson, getText, waitFor } from './harness/poll.js'
import { seededRandom } from './harness/seeded-random.js'
import { UdpSender } from './harness/udp-sender.js'
import { type PrometheusServer, startPrometheus } from './prometheus-server.js'

const OPENMETRICS_FIRST = 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5'
const FUZZ_DATAGRAMS = 2_000

/** Sample lines without exemplars, sorted, minus the families that move between two scrapes. */
function samples(body: string): string[] {
  return body
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .filter((line) => !/^(process_|nodejs_|taskmeter_scrape_render_seconds|requests_per_second)/.test(line))
    .map((line) => line.replace(/ # \{.*$/, ''))
    .sort()
}

describe('OpenMetrics under hostile input', () => {
  let agent: AgentProcess | undefined
  let prometheus: PrometheusServer | undefined

  afterAll(async () => {
    await prometheus?.stop()
    expect(await agent?.stop()).toBe(0)
  })

  it('is what Prometheus parses, and the text format samples', async () => {
    agent = await startAgentProcess(['--exemplar-tags', 'trace_id,span_id'])
    const sender = new UdpSender(agent.udpPort)
    try {
      for (const c of STATSD_CASES)
        for (const d of c.send) await sender.sendRaw(typeof d === 'string' ? Buffer.from(d, 'utf8') : d)
      const random = seededRandom(0xe8e)
      for (let i = 0; i < FUZZ_DATAGRAMS; i++) await sender.sendRaw(fuzzDatagram(random))
    } finally {
      sender.close()
    }
    const base = agent.baseUrl
    // Both bodies at rest: two scrapes in a row that agree on the datagram count.
    const [text, om] = await waitFor('a quiet agent', async () => {
      const a = await getText(`${base}/metrics`)
      const b = await (await fetch(`${base}/metrics`, { headers: { accept: OPENMETRICS_FIRST } })).text()
      const received = (body: string) => /^taskmeter_datagrams_received_total (\d+)$/m.exec(body)?.[1]
      return received(a) !== undefined && received(a) === received(b) ? [a, b] : undefined
    })
    expect(om.endsWith('# EOF\n')).toBe(true)
    expect(samples(om)).toEqual(samples(text))

    const config = `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: taskmeter\n    static_configs:\n      - targets: ['127.0.0.1:${agent.httpPort}']\n`
    prometheus = await startPrometheus(config, ['--enable-feature=exemplar-storage'])
    const api = prometheus.api
    const health = await waitFor(
      'a scrape of the hostile agent',
      async () => {
        const body = await getJson<{ data: { activeTargets: Array<{ health: string; lastError: string }> } }>(
          `${api}/api/v1/targets`,
        )
        const target = body.data.activeTargets[0]
        return target !== undefined && target.health !== 'unknown' ? target : undefined
      },
      20_000,
      200,
    )
    expect(health).toEqual(expect.objectContaining({ health: 'up', lastError: '' }))
  })
})
