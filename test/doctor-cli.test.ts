// `taskmeter-agent doctor` failure paths that need no Prometheus: an agent that is not there, a
// Prometheus that is not there, what the agent counted (invalid datagrams), and an agent behind
// --metrics-auth. Each ✗ comes with its fix and the exit code is 1. Real agent processes on
// ephemeral 127.0.0.1 ports, real UDP. The agent checked alone, and --json: doctor-agent-only.test.ts.
import { afterAll, describe, expect, it } from 'vitest'
import { cleanEnv } from './harness/agent-env.js'
import { type AgentProcess, runAgentCli, startAgentProcess } from './harness/agent-process.js'
import { row } from './harness/doctor-output.js'
import { getText, waitFor } from './harness/poll.js'
import { sampleValue } from './harness/prometheus-text.js'
import { UdpSender } from './harness/udp-sender.js'
import { freePort } from './prometheus-server.js'

const agents: AgentProcess[] = []
afterAll(async () => {
  for (const agent of agents) await agent.stop()
})

describe('taskmeter-agent doctor, failure paths', () => {
  it('no agent and no Prometheus at the given URLs: ✗ for both with fixes, the rest not checked, exit 1', async () => {
    const nothing = `http://127.0.0.1:${await freePort()}`
    const result = await runAgentCli(
      ['doctor', '--agent-url', nothing, '--prometheus-url', `http://127.0.0.1:${await freePort()}`],
      cleanEnv(),
      20_000,
    )
    expect(row(result.stdout, 'agent reachable')).toMatch(
      new RegExp(
        `^  ✗ agent reachable +${nothing}: ECONNREFUSED\\n +fix: start the agent \\(taskmeter-agent\\), or point doctor at it: --agent-url`,
      ),
    )
    const unchecked = ['agent ready', 'agent /metrics', 'agent /dashboard', 'kernel drops', 'invalid datagrams']
    for (const check of [...unchecked, 'events dropped', 'series cap', 'sender loss', 'memory budget']) {
      expect(row(result.stdout, check)).toMatch(/^ {2}– .*not checked: agent unreachable$/)
    }
    expect(row(result.stdout, 'prometheus reachable')).toMatch(
      /^ {2}✗ prometheus reachable +http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED\n +fix: check --prometheus-url \/ PROMETHEUS_URL/,
    )
    expect(row(result.stdout, 'scrape target')).toMatch(/not checked: Prometheus unreachable$/)
    expect(result.stdout).toContain('2 problems: agent reachable, prometheus reachable; see the fix under each ✗')
    expect(result.code).toBe(1)
  })

  it('invalid datagrams counted by the agent, and no Prometheus URL: ✗ with the reasons and fixes, exit 1', async () => {
    const agent = await startAgentProcess()
    agents.push(agent)
    const sender = new UdpSender(agent.udpPort)
    try {
      await sender.sendRaw(Buffer.from([0xfe, 0x54, 0x4d, 0x01, 0x95, 0x01])) // cut short
      await sender.sendRaw(Buffer.from([0xfe, 0x54, 0x4d, 0x07, 0x91, 0x01])) // version 7
      await waitFor('the agent to count both datagrams', async () =>
        sampleValue(await getText(`${agent.baseUrl}/metrics`), 'taskmeter_datagrams_received_total') === 2
          ? true
          : undefined,
      )
    } finally {
      sender.close()
    }
    const result = await runAgentCli(
      ['doctor', '--port', String(agent.httpPort), '--host', '127.0.0.1'],
      cleanEnv(),
      20_000,
    )
    expect(row(result.stdout, 'agent reachable')).toMatch(/^ {2}✓ /)
    expect(row(result.stdout, 'agent ready')).toMatch(/^ {2}✓ agent ready +UDP bound, HTTP listening$/)
    expect(row(result.stdout, 'kernel drops')).toMatch(/^ {2}✓ /)
    const invalid = row(result.stdout, 'invalid datagrams')
    expect(invalid).toMatch(
      /^ {2}✗ invalid datagrams +rejected datagrams: (truncated 1, unsupported_version 1|unsupported_version 1, truncated 1)\n/,
    )
    expect(invalid).toMatch(/fix: a sender speaks neither protocol v1 nor StatsD correctly: .*SPEC\.md §5/)
    // No Prometheus URL: the agent is checked alone, and only the invalid datagrams are a problem.
    expect(row(result.stdout, 'prometheus reachable')).toMatch(
      /^ {2}– prometheus reachable +not checked: no --prometheus-url \/ PROMETHEUS_URL given$/,
    )
    expect(result.stdout).toContain('\n1 problem: invalid datagrams; see the fix under each ✗\n')
    expect(result.code).toBe(1)
  })

  it('an agent behind --metrics-auth: ✗ /metrics 401 without the credentials, ✓ with METRICS_AUTH', async () => {
    const agent = await startAgentProcess(['--metrics-auth', 'bearer:s3cret'])
    agents.push(agent)
    const without = await runAgentCli(['doctor', '--agent-url', agent.baseUrl], cleanEnv(), 20_000)
    expect(row(without.stdout, 'agent ready')).toMatch(/^ {2}✓ /) // the probes stay open
    expect(row(without.stdout, 'agent /metrics')).toMatch(
      /^ {2}✗ agent \/metrics +GET \/metrics: HTTP 401\n +fix: the agent runs with --metrics-auth: give doctor the same --metrics-auth \/ METRICS_AUTH$/,
    )
    expect(without.code).toBe(1)
    const withAuth = await runAgentCli(
      ['doctor', '--agent-url', agent.baseUrl],
      cleanEnv({ METRICS_AUTH: 'bearer:s3cret' }),
      20_000,
    )
    expect(row(withAuth.stdout, 'agent /metrics')).toMatch(/^ {2}✓ agent \/metrics +\d+ bytes in \d+ ms$/)
    expect(row(withAuth.stdout, 'invalid datagrams')).toMatch(/^ {2}✓ /)
    expect(withAuth.stdout).not.toContain('s3cret')
    expect(withAuth.code).toBe(0) // the agent alone, healthy
  })
})
