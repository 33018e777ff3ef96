// `taskmeter-agent doctor` against a real `prometheus` scraping a real agent: all ✓ and exit 0 when
// the scrape config is right; with the scrape target wrong, the right ✗, its fix, and exit 1.
// Prometheus comes from the Debian package "prometheus"; a missing binary fails this file
// (startPrometheus uses requireTool), it is never skipped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanEnv } from './harness/agent-env.js'
import { type AgentProcess, runAgentCli, startAgentProcess } from './harness/agent-process.js'
import { AGENT_CHECKS, PROMETHEUS_CHECKS, row } from './harness/doctor-output.js'
import { getJson, waitFor } from './harness/poll.js'
import { type PrometheusServer, freePort, startPrometheus } from './prometheus-server.js'

interface TargetsResponse {
  data: { activeTargets: Array<{ scrapeUrl: string; health: string; lastScrape: string; lastError: string }> }
}

const NEVER = '0001-01-01T00:00:00Z'
function scrapeConfig(target: string, metricsPath = '/metrics'): string {
  return [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    'scrape_configs:',
    '  - job_name: taskmeter',
    `    metrics_path: ${metricsPath}`,
    '    static_configs:',
    `      - targets: ['${target}']`,
    '',
  ].join('\n')
}

/** Waits until Prometheus has scraped (or tried to scrape) every target at least once. */
async function scraped(prometheus: PrometheusServer): Promise<void> {
  await waitFor(
    'prometheus to have tried every target',
    async () => {
      const body = await getJson<TargetsResponse>(`${prometheus.api}/api/v1/targets`)
      const targets = body.data.activeTargets
      return targets.length > 0 && targets.every((t) => t.lastScrape !== NEVER && t.health !== 'unknown')
        ? true
        : undefined
    },
    30_000,
    200,
  )
}

const CHECKS = [...AGENT_CHECKS, ...PROMETHEUS_CHECKS]

let agent: AgentProcess
const servers: PrometheusServer[] = []

beforeAll(async () => {
  agent = await startAgentProcess()
})

afterAll(async () => {
  for (const server of servers) await server.stop()
  await agent?.stop()
})

/** A Prometheus scraping `target` at `metricsPath`, stopped after the file, once it has scraped. */
async function scrapingPrometheus(target: string, metricsPath?: string): Promise<PrometheusServer> {
  const prometheus = await startPrometheus(scrapeConfig(target, metricsPath))
  servers.push(prometheus)
  await scraped(prometheus)
  return prometheus
}

/** `doctor` pointed at the agent and at `prometheus` by flags, with a clean environment. */
function doctorByFlags(prometheus: PrometheusServer): ReturnType<typeof runAgentCli> {
  return runAgentCli(['doctor', '--agent-url', agent.baseUrl, '--prometheus-url', prometheus.api], cleanEnv({}), 20_000)
}

describe('taskmeter-agent doctor with a real prometheus', () => {
  it('all ✓ and exit 0 when Prometheus scrapes the agent (found from METRICS_PORT and PROMETHEUS_URL)', async () => {
    const prometheus = await scrapingPrometheus(`127.0.0.1:${agent.httpPort}`)
    // Beside the agent, with its environment: no flag but the command (0.0.0.0 read as loopback).
    const result = await runAgentCli(
      ['doctor'],
      cleanEnv({ METRICS_PORT: String(agent.httpPort), PROMETHEUS_URL: prometheus.api }),
      20_000,
    )
    expect(result.stderr).toBe('')
    for (const check of CHECKS) expect(row(result.stdout, check), result.stdout).toMatch(/^ {2}✓ /)
    expect(row(result.stdout, 'scrape target')).toContain(`job taskmeter http://127.0.0.1:${agent.httpPort}/metrics`)
    expect(row(result.stdout, 'last scrape')).toMatch(/s ago, took \d+ ms, no error/)
    expect(result.stdout).not.toContain('✗')
    expect(result.stdout).toContain('all checks passed')
    expect(result.code).toBe(0)
    // The same checks as JSON: every one ran and passed, with the figures it read.
    const json = await runAgentCli(
      ['doctor', '--json', '--agent-url', agent.baseUrl, '--prometheus-url', prometheus.api],
      cleanEnv(),
      20_000,
    )
    const report = JSON.parse(json.stdout) as {
      status: string
      skipped: unknown[]
      checks: Array<{ name: string; status: string; figures: Record<string, unknown> }>
    }
    expect(report.checks.map((check) => [check.name, check.status])).toEqual(CHECKS.map((name) => [name, 'ok']))
    expect(report.checks.find((check) => check.name === 'target up')?.figures).toEqual({ targets_up: 1 })
    expect(report).toMatchObject({ status: 'ok', skipped: [] })
    expect(json.code).toBe(0)
  })

  it('no target for this agent: ✗ scrape target, the scrape config to add, exit 1', async () => {
    const elsewhere = await freePort()
    const result = await doctorByFlags(await scrapingPrometheus(`127.0.0.1:${elsewhere}`))
    expect(row(result.stdout, 'agent reachable')).toMatch(/^ {2}✓ /)
    expect(row(result.stdout, 'prometheus reachable')).toMatch(/^ {2}✓ /)
    const target = row(result.stdout, 'scrape target')
    expect(target).toMatch(
      /^ {2}✗ scrape target +no active target scrapes this agent \(port \d+\); Prometheus scrapes http:\/\/127\.0\.0\.1:\d+\/metrics/,
    )
    expect(target).toContain(
      `fix: add to prometheus.yml: scrape_configs: [{ job_name: taskmeter, static_configs: [{ targets: ['127.0.0.1:${agent.httpPort}'] }] }]`,
    )
    expect(row(result.stdout, 'target up')).toMatch(/^ {2}– target up +not checked: no target/)
    expect(result.stdout).toContain('1 problem: scrape target; see the fix under each ✗')
    expect(result.code).toBe(1)
  })

  it('the target is there but scraped at the wrong path: ✗ target up and last scrape with the 404, the fix, exit 1', async () => {
    const result = await doctorByFlags(await scrapingPrometheus(`127.0.0.1:${agent.httpPort}`, '/prometheus'))
    expect(row(result.stdout, 'scrape target')).toMatch(
      /^ {2}✓ scrape target +job taskmeter http:\/\/127\.0\.0\.1:\d+\/prometheus/,
    )
    const up = row(result.stdout, 'target up')
    expect(up).toMatch(/^ {2}✗ target up +http:\/\/127\.0\.0\.1:\d+\/prometheus is down: .*404/)
    expect(up).toContain('fix: the agent serves /metrics: set metrics_path: /metrics')
    expect(row(result.stdout, 'last scrape')).toMatch(/^ {2}✗ last scrape +[\d.]+ s ago, error: .*404/)
    expect(result.code).toBe(1)
  })
})
