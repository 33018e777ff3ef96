// The load the --state-file tests send: protocol v1 timings and task ends with and without tags,
// and StatsD text of every custom kind, in two phases (before and after a restart); and what two
// agents are compared by once they got it.
import { EVENT_KIND, encodeName, encodeTags } from '@taskmeter/protocol'
import type { AgentProcess } from './agent-process.js'
import { getJson, getText, waitFor } from './poll.js'
import { sampleValue } from './prometheus-text.js'
import { roundFloats } from './round-floats.js'
import { sendUdpDatagrams } from './statsd-text.js'
import { UdpSender } from './udp-sender.js'

export const TIMINGS_PER_PHASE = 1200
export const DATAGRAMS_PER_PHASE = 60

type Dashboard = Record<'tasks' | 'counters' | 'gauges' | 'histograms', unknown>

/** A duration or size in 1–400 with three decimals, spread like latencies (most near 20). */
function value(i: number): number {
  return Number((20 * 4 ** Math.cos(i * 7.31)).toFixed(3))
}

/** Phase `phase` (0, 1, …) of the load; resolves once `agent` counted all of it. */
export async function sendPhase(agent: AgentProcess, phase: number): Promise<void> {
  const sender = new UdpSender(agent.udpPort)
  const names = ['checkout', 'search'].map((n) => encodeName(n) as Uint8Array)
  const tags = encodeTags({ region: 'eu' }) as Uint8Array
  const first = phase * TIMINGS_PER_PHASE
  for (let i = first; i < first + TIMINGS_PER_PHASE; i++) {
    const kind = i % 10 === 0 ? EVENT_KIND.task_end_error : EVENT_KIND.timing
    await sender.append(kind, names[i % 2] as Uint8Array, value(i), 1, i % 4 === 0 ? tags : null)
  }
  await sender.flush()
  sender.close()
  const datagrams: string[] = []
  for (let d = phase * DATAGRAMS_PER_PHASE; d < (phase + 1) * DATAGRAMS_PER_PHASE; d++)
    datagrams.push(
      `api.latency:${value(d)}|ms|#route:/a\njobs.done:${1 + (d % 3)}|c\nbatch.size:${d % 70}|h\nvisitors:user${d % 41}|s\nqueue.depth:+1|g\n`,
    )
  for (let d = 0; d < datagrams.length; d += 10) await sendUdpDatagrams(agent.udpPort, datagrams.slice(d, d + 10))
  const jobs = (phases: number): number => {
    let sum = 0
    for (let d = 0; d < phases * DATAGRAMS_PER_PHASE; d++) sum += 1 + (d % 3)
    return sum
  }
  await waitFor(`agent on ${agent.httpPort} counted phase ${phase}`, async () => {
    const text = await getText(`${agent.baseUrl}/metrics`)
    const completed =
      (sampleValue(text, 'tasks_completed_total', { task: 'checkout' }) ?? 0) +
      (sampleValue(text, 'tasks_completed_total', { task: 'search' }) ?? 0)
    return sampleValue(text, 'jobs_done_total') === jobs(phase + 1) && completed > 0 ? true : undefined
  })
}

/** A JSON value without its `rps` keys (rates depend on when each agent was read). */
function withoutRates(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutRates)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'rps')
      .map(([key, inner]) => [key, withoutRates(inner)]),
  )
}

/** /dashboard's series figures, without rates (uptime and the agent's own figures are left out too). */
export async function stableDashboard(agent: AgentProcess): Promise<unknown> {
  const { tasks, counters, gauges, histograms } = await getJson<Dashboard>(`${agent.baseUrl}/dashboard`)
  return roundFloats(withoutRates({ tasks, counters, gauges, histograms }))
}

/** The task and custom samples of /metrics, sorted: no self, process or rate families. */
export async function stableSamples(agent: AgentProcess): Promise<string[]> {
  return (await getText(`${agent.baseUrl}/metrics`))
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .filter((line) => !/^(requests_per_second|process_|nodejs_|taskmeter_)/.test(line))
    .map((line) =>
      line.replace(/ (-?\d+\.\d+(e[-+]\d+)?)$/, (_m, n: string) => ' ' + Number(Number(n).toPrecision(12))),
    )
    .sort()
}

export async function restoreResults(agent: AgentProcess): Promise<Record<string, number | undefined>> {
  const text = await getText(`${agent.baseUrl}/metrics`)
  const results = ['restored', 'absent', 'corrupt', 'incompatible', 'discarded']
  return Object.fromEntries(
    results.map((result) => [result, sampleValue(text, 'taskmeter_state_restore_total', { result })]),
  )
}
