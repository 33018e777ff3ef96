// `taskmeter-agent doctor`: checks a running agent and the Prometheus that should
// scrape it, prints a ✓/✗ table with the fix under each ✗, and returns exit code 1 when anything
// is wrong (0 when all is well). The agent is found at --agent-url, else at the agent's own
// --host/--port (METRICS_PORT), a wildcard bind address read as loopback.
import type { Config } from '../config/load-config.js'
import { type CheckRow, authHeaders, countedRows, fail, get, ok, skip } from './doctor-checks.js'
import { prometheusRows } from './doctor-prometheus.js'
import { SENDER_CHECK, senderLossRows } from './doctor-senders.js'
import { type HostPort, hostPortOf } from './doctor-targets.js'

const MARK: Record<CheckRow['status'], string> = { ok: '✓', fail: '✗', skip: '–' }
const COUNTED = ['kernel drops', 'invalid datagrams', 'series cap', SENDER_CHECK]

export function agentUrlOf(config: Config): string {
  if (config.doctor.agentUrl !== null) return config.doctor.agentUrl
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host === '::' ? '::1' : config.host
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`
}

async function agentRows(agentUrl: string, config: Config): Promise<CheckRow[]> {
  const rows: CheckRow[] = []
  const health = await get(`${agentUrl}/healthz`)
  if (typeof health === 'string' || health.status !== 200) {
    const why = typeof health === 'string' ? health : `GET /healthz answered ${health.status}`
    rows.push(
      fail(
        'agent reachable',
        `${agentUrl}: ${why}`,
        'start the agent (taskmeter-agent), or point doctor at it: --agent-url http://host:port, or the same --port / METRICS_PORT as the agent',
      ),
    )
    for (const check of ['agent ready', 'agent /metrics', ...COUNTED]) rows.push(skip(check, 'agent unreachable'))
    return rows
  }
  rows.push(ok('agent reachable', `${agentUrl} (${health.ms} ms)`))
  const ready = await get(`${agentUrl}/ready`)
  rows.push(
    typeof ready !== 'string' && ready.status === 200
      ? ok('agent ready', 'UDP bound, HTTP listening')
      : fail(
          'agent ready',
          `GET /ready: ${typeof ready === 'string' ? ready : ready.status}`,
          "the UDP socket is not bound or the agent is stopping: see the agent's log (EADDRINUSE on --udp-port?)",
        ),
  )
  const headers = authHeaders(config.metricsAuth)
  const metrics = await get(`${agentUrl}/metrics`, headers)
  if (typeof metrics === 'string' || metrics.status !== 200) {
    const status = typeof metrics === 'string' ? metrics : `HTTP ${metrics.status}`
    const fix =
      typeof metrics !== 'string' && metrics.status === 401
        ? 'the agent runs with --metrics-auth: give doctor the same --metrics-auth / METRICS_AUTH'
        : "see the agent's log"
    rows.push(fail('agent /metrics', `GET /metrics: ${status}`, fix))
    for (const check of COUNTED) rows.push(skip(check, 'no /metrics'))
    return rows
  }
  rows.push(ok('agent /metrics', `${metrics.body.length} bytes in ${metrics.ms} ms`))
  const dashboard = await get(`${agentUrl}/dashboard`, headers)
  let recvBufferBytes: unknown
  let clients: unknown
  if (typeof dashboard !== 'string' && dashboard.status === 200) {
    try {
      const parsed = JSON.parse(dashboard.body) as { agent?: { recv_buffer_bytes?: unknown }; clients?: unknown }
      recvBufferBytes = parsed.agent?.recv_buffer_bytes
      clients = parsed.clients
    } catch {
      recvBufferBytes = undefined
    }
  }
  rows.push(...countedRows(metrics.body, recvBufferBytes), ...senderLossRows(clients))
  return rows
}

export function renderTable(rows: readonly CheckRow[]): string {
  const width = Math.max(...rows.map((row) => row.check.length))
  let out = ''
  for (const row of rows) {
    out += `  ${MARK[row.status]} ${row.check.padEnd(width)}  ${row.detail}\n`
    if (row.fix !== null) out += `    ${' '.repeat(width)}  fix: ${row.fix}\n`
  }
  return out
}

export async function runDoctor(
  config: Config,
  write: (text: string) => void = (text) => process.stdout.write(text),
): Promise<number> {
  const agentUrl = agentUrlOf(config)
  const agent: HostPort = hostPortOf(agentUrl) ?? { host: '127.0.0.1', port: config.port }
  write(`taskmeter doctor: agent ${agentUrl}, Prometheus ${config.prometheusUrl ?? '(none given)'}\n\n`)
  const rows = [...(await agentRows(agentUrl, config)), ...(await prometheusRows(config.prometheusUrl, agent))]
  write(renderTable(rows))
  const failed = rows.filter((row) => row.status === 'fail').length
  write(
    failed === 0
      ? '\nall checks passed\n'
      : `\n${failed} problem${failed === 1 ? '' : 's'}: see the fix under each ✗\n`,
  )
  return failed === 0 ? 0 : 1
}
