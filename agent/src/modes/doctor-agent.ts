// doctor's agent rows: its health routes (/healthz, /ready), /metrics and /dashboard, then what
// the scrape and the dashboard say (doctor-counted.ts, doctor-senders.ts, doctor-memory.ts). A
// route that does not answer turns the checks that need it into "not checked" rows.
import type { Config } from '../config/load-config.js'
import { type CheckRow, fail, ok, skip } from './doctor-checks.js'
import { COUNTED_CHECKS, countedRows } from './doctor-counted.js'
import { authHeaders, get } from './doctor-http.js'
import { MEMORY_CHECK, memoryRow } from './doctor-memory.js'
import { SENDER_CHECK, senderLossRows } from './doctor-senders.js'

const FROM_METRICS = [...COUNTED_CHECKS, SENDER_CHECK, MEMORY_CHECK]

interface DashboardFigures {
  recvBufferBytes: unknown
  clients: unknown
}

function readDashboard(body: string): DashboardFigures | null {
  try {
    const parsed = JSON.parse(body) as { agent?: { recv_buffer_bytes?: unknown }; clients?: unknown } | null
    if (typeof parsed !== 'object' || parsed === null) return null
    return { recvBufferBytes: parsed.agent?.recv_buffer_bytes, clients: parsed.clients }
  } catch {
    return null
  }
}

export async function agentRows(agentUrl: string, config: Config): Promise<CheckRow[]> {
  const rows: CheckRow[] = []
  const health = await get(`${agentUrl}/healthz`)
  if (typeof health === 'string' || health.status !== 200) {
    const why = typeof health === 'string' ? health : `GET /healthz answered ${health.status}`
    rows.push(
      fail(
        'agent reachable',
        `${agentUrl}: ${why}`,
        'start the agent (taskmeter-agent), or point doctor at it: --agent-url http://host:port, or the same --port / METRICS_PORT as the agent',
        {
          url: agentUrl,
          error: typeof health === 'string' ? health : null,
          http_status: typeof health === 'string' ? null : health.status,
        },
      ),
    )
    for (const check of ['agent ready', 'agent /metrics', 'agent /dashboard', ...FROM_METRICS])
      rows.push(skip(check, 'agent unreachable'))
    return rows
  }
  rows.push(ok('agent reachable', `${agentUrl} (${health.ms} ms)`, { url: agentUrl, duration_ms: health.ms }))
  const ready = await get(`${agentUrl}/ready`)
  rows.push(
    typeof ready !== 'string' && ready.status === 200
      ? ok('agent ready', 'UDP bound, HTTP listening', { http_status: 200 })
      : fail(
          'agent ready',
          `GET /ready: ${typeof ready === 'string' ? ready : ready.status}`,
          "the UDP socket is not bound or the agent is stopping: see the agent's log (EADDRINUSE on --udp-port?)",
          {
            http_status: typeof ready === 'string' ? null : ready.status,
            error: typeof ready === 'string' ? ready : null,
          },
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
    rows.push(
      fail('agent /metrics', `GET /metrics: ${status}`, fix, {
        http_status: typeof metrics === 'string' ? null : metrics.status,
        error: typeof metrics === 'string' ? metrics : null,
      }),
    )
    rows.push(skip('agent /dashboard', 'no /metrics'))
    for (const check of FROM_METRICS) rows.push(skip(check, 'no /metrics'))
    return rows
  }
  rows.push(
    ok('agent /metrics', `${metrics.body.length} bytes in ${metrics.ms} ms`, {
      body_bytes: metrics.body.length,
      duration_ms: metrics.ms,
    }),
  )
  const dashboard = await get(`${agentUrl}/dashboard`, headers)
  const figures = typeof dashboard === 'string' || dashboard.status !== 200 ? null : readDashboard(dashboard.body)
  if (typeof dashboard === 'string' || figures === null) {
    const why =
      typeof dashboard === 'string' ? dashboard : dashboard.status !== 200 ? `HTTP ${dashboard.status}` : 'not JSON'
    rows.push(
      fail(
        'agent /dashboard',
        `GET /dashboard: ${why}`,
        "see the agent's log; the live page and the loss per sender read this route",
        {
          http_status: typeof dashboard === 'string' ? null : dashboard.status,
          error: typeof dashboard === 'string' ? dashboard : null,
        },
      ),
    )
  } else {
    rows.push(
      ok('agent /dashboard', `${dashboard.body.length} bytes of JSON in ${dashboard.ms} ms`, {
        body_bytes: dashboard.body.length,
        duration_ms: dashboard.ms,
      }),
    )
  }
  rows.push(
    ...countedRows(metrics.body, figures?.recvBufferBytes),
    ...senderLossRows(figures?.clients),
    memoryRow(metrics.body),
  )
  return rows
}
