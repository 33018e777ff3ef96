// --workers: the same load sent to an agent with --workers 1 and one with --workers 2 must give the
// same /dashboard and /metrics figures: the two shards of the second are merged exactly at read
// time. Protocol v1 timings, task ends and an in-flight report, and StatsD text (timers, counters,
// gauges, histograms, sets), over real UDP to each agent; each datagram goes to both agents, and to
// whichever of the two workers reads it first.
import { EVENT_KIND, encodeName, encodeTags } from '@taskmeter/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AgentProcess, startAgentProcess } from './harness/agent-process.js'
import { getJson, getText, waitFor } from './harness/poll.js'
import { sampleValue } from './harness/prometheus-text.js'
import { sendUdpDatagrams } from './harness/statsd-text.js'
import { UdpSender } from './harness/udp-sender.js'
import { UDP_READERS, readerArgs } from './harness/udp-readers.js'
import { roundFloats } from './harness/round-floats.js'

const TIMINGS = 6000
const STATSD_DATAGRAMS = 300

interface Dashboard {
  tasks: Record<string, Record<string, unknown> & { window: Record<string, unknown> }>
  counters: Record<string, number>
  gauges: Record<string, number>
  histograms: Record<string, unknown>
}

function value(i: number): number {
  return Math.round(Math.exp(Math.log(20) + Math.sin(i * 12.9898) * 1.2) * 1000) / 1000
}

async function sendLoad(agent: AgentProcess): Promise<void> {
  const port = agent.udpPort
  const sender = new UdpSender(port)
  const names = ['checkout', 'search', 'login'].map((n) => encodeName(n) as Uint8Array)
  const tags = encodeTags({ region: 'eu' }) as Uint8Array
  for (let i = 0; i < TIMINGS; i++) {
    const kind =
      i % 10 === 0 ? EVENT_KIND.task_end_error : i % 3 === 0 ? EVENT_KIND.task_end_success : EVENT_KIND.timing
    await sender.append(kind, names[i % 3] as Uint8Array, value(i), 1, i % 4 === 0 ? tags : null)
    if (i % 500 === 499) await sender.flush() // many datagrams: both workers get some
  }
  await sender.flush()
  await sender.inflight(encodeName('client-1') as Uint8Array, 1, 60_000, [names[0] as Uint8Array], [3])
  await sender.flush()
  sender.close()
  const datagrams: string[] = []
  for (let d = 0; d < STATSD_DATAGRAMS; d++) {
    const text = `api.latency:${value(d)}|ms|#route:/a\njobs.done:${1 + (d % 3)}|c\nbatch.size:${d % 70}|h\nvisitors:user${d % 41}|s\n`
    datagrams.push(text)
  }
  // With the native reader each worker has its own SO_REUSEPORT socket and the kernel picks one
  // by the sender's address: ten datagrams per sending socket, so that both workers get some.
  for (let d = 0; d < datagrams.length; d += 10) await sendUdpDatagrams(port, datagrams.slice(d, d + 10))
  // Which worker reads a datagram is the kernel's choice, so two gauge sets read by two workers
  // at nearly the same moment have no order: each set is sent once the agent shows the one before.
  for (let d = 0; d < STATSD_DATAGRAMS; d += 50) {
    await sendUdpDatagrams(agent.udpPort, [`queue.depth:${d}|g\n`])
    await waitFor(`queue.depth ${d} on ${agent.httpPort}`, async () =>
      (await getJson<Dashboard>(`${agent.baseUrl}/dashboard`)).gauges['queue.depth'] === d ? true : undefined,
    )
  }
}

/** The figures that do not depend on when each agent was read (rates and uptime do). */
function stable(dashboard: Dashboard): unknown {
  const tasks: Record<string, unknown> = {}
  for (const [id, task] of Object.entries(dashboard.tasks)) {
    const { rps: _rps, window, ...rest } = task
    const { rps: _windowRps, ...windowRest } = window
    tasks[id] = { ...rest, window: windowRest }
  }
  return roundFloats({
    tasks,
    counters: dashboard.counters,
    gauges: dashboard.gauges,
    histograms: dashboard.histograms,
  })
}

/**
 * /metrics samples, sorted, without time-dependent and per-process families, nor the memory
 * budget (--workers N counts N + 1 processes, so the two agents are given different budgets).
 */
function stableMetrics(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .filter(
      (line) =>
        !/^(requests_per_second|process_|nodejs_|taskmeter_scrape_render_seconds|taskmeter_build_info|taskmeter_config_last_reload_success_timestamp_seconds|taskmeter_memory_)/.test(
          line,
        ),
    )
    .map((line) =>
      line.replace(/ (-?\d+\.\d+(e[-+]\d+)?)$/, (_m, n: string) => ' ' + Number(Number(n).toPrecision(12))),
    )
    .sort()
}

describe.each(UDP_READERS)('--workers 2 reads like --workers 1, %s reader', (reader) => {
  let one: AgentProcess
  let two: AgentProcess

  beforeAll(async () => {
    ;[one, two] = await Promise.all([
      startAgentProcess(['--window', '60', ...readerArgs(reader)]),
      startAgentProcess(['--window', '60', '--workers', '2', '--max-memory', '3GiB', ...readerArgs(reader)]),
    ])
    for (const agent of [one, two]) await sendLoad(agent)
    for (const agent of [one, two]) {
      await waitFor(`agent on ${agent.httpPort} counted everything`, async () => {
        const text = await getText(`${agent.baseUrl}/metrics`)
        return sampleValue(text, 'taskmeter_lines_received_total') === STATSD_DATAGRAMS * 4 + STATSD_DATAGRAMS / 50 &&
          sampleValue(text, 'tasks_completed_total', { task: 'checkout' }) !== undefined
          ? true
          : undefined
      })
    }
  }, 30_000)

  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()])
  })

  it('the same /dashboard figures', async () => {
    const [a, b] = await Promise.all([
      getJson<Dashboard>(`${one.baseUrl}/dashboard`),
      getJson<Dashboard>(`${two.baseUrl}/dashboard`),
    ])
    expect(Object.keys(b.tasks).length).toBe(7) // 3 tasks × with/without region, and api.latency
    expect(b.tasks.checkout?.active).toBe(3)
    expect(stable(b)).toEqual(stable(a))
  })

  it('the same /metrics samples, and both workers took part', async () => {
    const [a, b] = await Promise.all([getText(`${one.baseUrl}/metrics`), getText(`${two.baseUrl}/metrics`)])
    expect(sampleValue(b, 'taskmeter_events_total', { kind: 'timing' })).toBe(
      TIMINGS - TIMINGS / 10 - Math.ceil(TIMINGS / 3) + Math.floor(TIMINGS / 30) + STATSD_DATAGRAMS,
    )
    expect(stableMetrics(b)).toEqual(stableMetrics(a))
    const dashboard = await getJson<{ agent: { workers: number; datagrams_by_worker: number[] } }>(
      `${two.baseUrl}/dashboard`,
    )
    expect(dashboard.agent.workers).toBe(2)
    // The kernel picks the reader of each datagram; over ~330 datagrams both workers read some.
    expect(dashboard.agent.datagrams_by_worker.length).toBe(2)
    expect(
      dashboard.agent.datagrams_by_worker.every((n) => n > 0),
      JSON.stringify(dashboard.agent.datagrams_by_worker),
    ).toBe(true)
  })
})
