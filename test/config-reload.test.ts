// A config file with mapping rules end to end: the real agent started with --config, real hot-shots
// over UDP, then the file changed and reloaded by SIGHUP (one process) and POST /-/reload (--workers
// 2). New series map by the new rules and old series keep their counts; a broken file on reload
// keeps the old rules and says so in the reload metrics; --check-config answers 0 or 2 with file:line.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { SAFE, cleanEnv, start } from './harness/agent-cli-support.js'
import { type AgentProcess, runAgentCli } from './harness/agent-process.js'
import { closed, hotShotsFor, sent } from './harness/hot-shots.js'
import { metricsWhen, waitFor } from './harness/poll.js'
import { sampleValue } from './harness/prometheus-text.js'

const dir = mkdtempSync(path.join(tmpdir(), 'config-reload-'))

const FIRST = `log-level: info
mappings:
- match: "shop.orders.*"
  name: orders
  labels: { outcome: "$1" }
`
const SECOND = `log-level: info
mappings:
- match: "shop.orders.*"
  name: orders_v2
  labels: { result: "$1" }
- match: "shop.carts.*"
  name: carts
  labels: { step: "$1" }
`

async function increment(agent: AgentProcess, name: string, times: number): Promise<void> {
  const client = hotShotsFor(agent)
  for (let i = 0; i < times; i++) await sent((done) => client.increment(name, 1, done))
  await closed(client)
}

function reloads(text: string, result: 'success' | 'failure'): number | undefined {
  return sampleValue(text, 'taskmeter_config_reloads_total', { result })
}

async function reloadOverHttp(agent: AgentProcess): Promise<{ status: number; body: string }> {
  const response = await fetch(`${agent.baseUrl}/-/reload`, { method: 'POST' })
  return { status: response.status, body: await response.text() }
}

describe.each([
  { topology: 'one process', workers: '1', reload: 'SIGHUP' },
  { topology: '--workers 2', workers: '2', reload: 'POST /-/reload' },
])('reload with $topology ($reload)', ({ workers, reload }) => {
  const file = path.join(dir, `agent-${workers}.yml`)
  let agent: AgentProcess
  afterAll(async () => {
    await agent?.stop()
  })

  const reloadNow = async (): Promise<void> => {
    if (reload === 'SIGHUP') agent.child.kill('SIGHUP')
    else await reloadOverHttp(agent)
  }

  it('maps by the new rules after a reload, keeps old counts, and keeps the old rules when the file breaks', async () => {
    writeFileSync(file, FIRST)
    agent = await start([...SAFE, '--config', file, '--workers', workers, '--max-series', '1000'], cleanEnv())
    await increment(agent, 'shop.orders.paid', 3)
    await metricsWhen(
      agent,
      'orders mapped by the first file',
      (t) => sampleValue(t, 'orders_total', { outcome: 'paid' }) === 3,
    )

    writeFileSync(file, SECOND)
    await reloadNow()
    await metricsWhen(agent, 'the reload counted', (t) => reloads(t, 'success') === 1)
    await increment(agent, 'shop.orders.paid', 2)
    await increment(agent, 'shop.carts.add', 1)
    const after = await metricsWhen(
      agent,
      'the second file in force',
      (t) => sampleValue(t, 'carts_total', { step: 'add' }) === 1,
    )
    expect(sampleValue(after, 'orders_v2_total', { result: 'paid' })).toBe(2)
    // The series made by the first rules keep what they counted.
    expect(sampleValue(after, 'orders_total', { outcome: 'paid' })).toBe(3)
    expect(sampleValue(after, 'taskmeter_config_last_reload_successful')).toBe(1)

    writeFileSync(file, `${SECOND}- match: "shop.*"\n  nmae: typo\n`)
    if (reload === 'SIGHUP') agent.child.kill('SIGHUP')
    else {
      const refused = await reloadOverHttp(agent)
      expect(refused.status).toBe(500)
      expect(refused.body).toContain(`${file}:10: unknown key nmae in a mapping`)
    }
    const broken = await metricsWhen(agent, 'the refused reload', (t) => reloads(t, 'failure') === 1)
    expect(sampleValue(broken, 'taskmeter_config_last_reload_successful')).toBe(0)
    await increment(agent, 'shop.carts.add', 1)
    await metricsWhen(
      agent,
      'the second file still in force',
      (t) => sampleValue(t, 'carts_total', { step: 'add' }) === 2,
    )
    await waitFor('the refusal logged', async () =>
      agent.output().includes('config reload refused') ? true : undefined,
    )
  })
})

describe('--check-config', () => {
  it('exits 0 with a summary for files that load, 2 with file:line for one that does not', async () => {
    const good = path.join(dir, 'good.yml')
    writeFileSync(good, `${FIRST}  observer_type: summary\n`)
    const ok = await runAgentCli(['--check-config', '--config', good], cleanEnv())
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain(`config OK: ${good}; 1 mapping rules from ${good}`)
    expect(ok.stdout).toContain(`warning: ${good}:6: observer_type: summary is ignored`)
    const bad = path.join(dir, 'bad.yml')
    writeFileSync(bad, 'udp-port: 8125\nwindow: soon\n')
    const refused = await runAgentCli(['--check-config', '--config', bad], cleanEnv())
    expect(refused.code).toBe(2)
    expect(refused.stderr.trim()).toBe(`${bad}:2: window must be an integer 1..3600 (got "soon")`)
  })
})
