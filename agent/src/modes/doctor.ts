// `taskmeter-agent doctor`: checks a running agent and, given --prometheus-url, the Prometheus
// that should scrape it; prints a ✓/!/✗ table with the fix under each ✗ (or, with --json, one JSON
// object) and returns exit code 1 when a check failed, 0 otherwise (warnings pass). Without a
// Prometheus URL the agent is checked alone, so a probe or a CI job can gate on it. The agent is
// found at --agent-url, else at the agent's own --host/--port (METRICS_PORT), a wildcard bind
// address read as loopback.
import type { Config } from '../config/load-config.js'
import { agentRows } from './doctor-agent.js'
import { prometheusRows } from './doctor-prometheus.js'
import { exitCodeOf, renderJson, renderText } from './doctor-report.js'
import { type HostPort, hostPortOf } from './doctor-targets.js'

export function agentUrlOf(config: Config): string {
  if (config.doctor.agentUrl !== null) return config.doctor.agentUrl
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host === '::' ? '::1' : config.host
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`
}

export async function runDoctor(
  config: Config,
  write: (text: string) => void = (text) => process.stdout.write(text),
): Promise<number> {
  const agentUrl = agentUrlOf(config)
  const agent: HostPort = hostPortOf(agentUrl) ?? { host: '127.0.0.1', port: config.port }
  const rows = [...(await agentRows(agentUrl, config)), ...(await prometheusRows(config.prometheusUrl, agent))]
  const report = { agentUrl, prometheusUrl: config.prometheusUrl, rows }
  write(config.doctor.json ? renderJson(report) : renderText(report))
  return exitCodeOf(rows)
}
