// `taskmeter-agent doctor` without a Prometheus URL checks the agent alone: its health routes,
// /metrics, /dashboard and what its self-metrics say. A healthy agent exits 0, so a probe or a CI
// job can gate on it; drops and an unreachable agent exit 1 naming the failed check. Each case runs
// the real CLI with --json against real agent processes on ephemeral 127.0.0.1 ports, real UDP.
import dgram from 'node:dgram'
import { afterAll, describe, expect, it } from 'vitest'
import { cleanEnv } from './harness/agent-env.js'
import { type AgentProcess, runAgentCli, startAgentProcess } from './harness/agent-process.js'
import { AGENT_CHECKS, PROMETHEUS_CHECKS } from './harness/doctor-output.js'
import { metricsWhen } from './harness/poll.js'
import { sampleSum } from './harness/prometheus-text.js'
import { freePort } from './prometheus-server.js'

interface DoctorJson {
  agent_url: string
  prometheus_url: string | null
  status: 'ok' | 'warn' | 'fail'
  exit_code: number
  failed: string[]
  warned: string[]
  checks: Array<{ name: string; status: string; message: string; fix: string | null; figures: Record<string, unknown> }>
  skipped: Array<{ name: string; reason: string }>
}

const agents: AgentProcess[] = []
afterAll(async () => {
  for (const agent of agents) await agent.stop()
})

async function doctorJson(agentUrl: string): Promise<{ code: number | null; report: DoctorJson; stderr: string }> {
  const result = await runAgentCli(['doctor', '--agent-url', agentUrl, '--json'], cleanEnv(), 20_000)
  let report: DoctorJson
  try {
    report = JSON.parse(result.stdout) as DoctorJson
  } catch {
    throw new Error(`doctor --json printed no JSON (exit ${result.code}):\n${result.stdout}${result.stderr}`)
  }
  return { code: result.code, report, stderr: result.stderr }
}

function sendStatsd(port: number, lines: readonly string[]): Promise<void> {
  const socket = dgram.createSocket('udp4')
  return new Promise((resolve, reject) => {
    let left = lines.length
    for (const line of lines)
      socket.send(line, port, '127.0.0.1', (err) => {
        if (err) reject(err)
        else if (--left === 0) {
          socket.close()
          resolve()
        }
      })
  })
}

describe('taskmeter-agent doctor, the agent alone', () => {
  it('a healthy agent: every agent check ✓ with its figures, Prometheus not checked, exit 0, valid JSON', async () => {
    const agent = await startAgentProcess()
    agents.push(agent)
    const { code, report, stderr } = await doctorJson(agent.baseUrl)
    expect(stderr).toBe('')
    expect(report).toMatchObject({
      agent_url: agent.baseUrl,
      prometheus_url: null,
      status: 'ok',
      exit_code: 0,
      failed: [],
      warned: [],
    })
    expect(report.checks.map((check) => [check.name, check.status])).toEqual(AGENT_CHECKS.map((name) => [name, 'ok']))
    expect(report.skipped.map((check) => check.name)).toEqual(PROMETHEUS_CHECKS)
    const figures = new Map(report.checks.map((check) => [check.name, check.figures]))
    expect(figures.get('kernel drops')).toMatchObject({ kernel_drops: 0 })
    expect(figures.get('series cap')).toEqual({ series_dropped: 0, max_series: 10000 })
    const memory = figures.get('memory budget') as { resident_bytes: number; budget_bytes: number }
    expect(memory.resident_bytes).toBeGreaterThan(0)
    expect(memory.resident_bytes).toBeLessThan(memory.budget_bytes)
    expect(code).toBe(0)

    const table = await runAgentCli(['doctor', '--agent-url', agent.baseUrl], cleanEnv(), 20_000)
    expect(table.stdout).toContain('Prometheus (none given: the agent is checked alone)')
    expect(table.stdout.trimEnd().split('\n').at(-1)).toBe('all checks passed')
    expect(table.code).toBe(0)
  }, 30_000)

  it('an agent that dropped events (one name sent as two types, past --max-series): exit 1, both checks named', async () => {
    const agent = await startAgentProcess(['--max-series', '1'])
    agents.push(agent)
    await sendStatsd(agent.udpPort, ['shop.orders:1|c', 'shop.orders:5|g', 'shop.refunds:1|c'])
    await metricsWhen(
      agent,
      'the type conflict and the series past the cap to be counted',
      (text) =>
        sampleSum(text, 'taskmeter_events_dropped_total') >= 1 &&
        sampleSum(text, 'taskmeter_series_dropped_total') >= 1,
    )
    const { code, report } = await doctorJson(agent.baseUrl)
    expect(report.status).toBe('fail')
    expect(report.failed).toEqual(['events dropped', 'series cap'])
    const dropped = report.checks.find((check) => check.name === 'events dropped')
    expect(dropped).toMatchObject({
      status: 'fail',
      message: 'refused 1 valid events: type_conflict 1',
      figures: { events_dropped: { type_conflict: 1 } },
    })
    expect(dropped?.fix).toMatch(/type_conflict/)
    const cap = report.checks.find((check) => check.name === 'series cap')
    expect(cap?.figures).toMatchObject({ max_series: 1 })
    expect(cap?.figures.series_dropped).toBeGreaterThanOrEqual(1)
    expect(report.exit_code).toBe(1)
    expect(code).toBe(1)
  }, 30_000)

  it('no agent at the URL: exit 1, "agent reachable" failed with the error, the rest skipped, still valid JSON', async () => {
    const nothing = `http://127.0.0.1:${await freePort()}`
    const { code, report } = await doctorJson(nothing)
    expect(report.failed).toEqual(['agent reachable'])
    expect(report.checks).toEqual([
      {
        name: 'agent reachable',
        status: 'fail',
        message: `${nothing}: ECONNREFUSED`,
        fix: expect.stringMatching(/^start the agent/),
        figures: { url: nothing, error: 'ECONNREFUSED', http_status: null },
      },
    ])
    expect(report.skipped.map((check) => check.name)).toEqual([...AGENT_CHECKS.slice(1), ...PROMETHEUS_CHECKS])
    expect(report.skipped[0]?.reason).toBe('agent unreachable')
    expect(code).toBe(1)
  }, 30_000)
})
