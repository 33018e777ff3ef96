// A statsd_exporter mapping file end to end: the real hot-shots client sends dotted StatsD names
// over UDP to a real agent started with --mapping-config, and /metrics shows dotted timers as a
// task with labels (with the rule's own `le` bounds), counters renamed with labels and HELP, drop
// rules dropping, unmatched names as sent, and every line counted by result; with --workers the
// rule's bounds and HELP reach the primary with the shards' series. Python's socket sends too.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AgentProcess, startAgentProcess } from './harness/agent-process.js'
import { closed, hotShotsFor, sent } from './harness/hot-shots.js'
import { getText, waitFor } from './harness/poll.js'
import { sampleValue } from './harness/prometheus-text.js'
import { runProcess } from './harness/run-process.js'
import { requireTool } from './harness/system-tool.js'

const MAPPING = `# as a statsd_exporter user writes it
defaults:
  ttl: 0s
mappings:
- match: "*.api.*.*"
  name: api
  labels: { service: "$1", resource: "$2", method: "$3" }
  histogram_options:
    buckets: [0.005, 0.05, 0.5]
- match: "*.jobs.*.done"
  match_metric_type: counter
  name: jobs_done
  help: Jobs finished, by queue
  labels: { service: "$1", queue: "$2" }
- match: "debug.*"
  action: drop
- match: "(.*)\\\\.level\\\\.(\\\\w+)$"
  match_type: regex
  name: level
  labels: { source: "$1", tier: "$2" }
- match: "tagged.*"
  name: tagged
  honor_labels: true
  labels: { env: "rule", kind: "$1" }
  observer_type: summary
`

// Python's standard library, as an app with a hand-written StatsD sender would send.
const PYTHON_SENDER = `
import socket, sys
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for line in ["py.api.orders.list:4|ms", "py.jobs.sms.done:3|c", "debug.py:1|c"]:
    udp.sendto(line.encode(), ("127.0.0.1", int(sys.argv[1])))
`

describe.each([
  { topology: 'one process', args: [] as string[] },
  { topology: '--workers 2', args: ['--workers', '2', '--max-series', '1000'] },
])('mapping file → agent over UDP (hot-shots), $topology', ({ args }) => {
  let agent: AgentProcess
  let mappingPath: string

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mapping-e2e-'))
    mappingPath = path.join(dir, 'statsd_mapping.yml')
    writeFileSync(mappingPath, MAPPING)
    agent = await startAgentProcess(['--mapping-config', mappingPath, ...args])
  })

  afterAll(async () => {
    await agent?.stop()
  })

  it('maps, renames, drops and passes through what hot-shots sends', async () => {
    const client = hotShotsFor(agent, { datadog: true, includeDatadogTelemetry: false })
    for (const ms of [3, 30, 300]) await sent((done) => client.timing('shop.api.users.get', ms, done))
    await sent((done) => client.timing('shop.api.users.post', 7, done))
    await sent((done) => client.increment('shop.jobs.mail.done', 5, done))
    await sent((done) => client.increment('shop.jobs.mail.done', 2, done))
    await sent((done) => client.increment('debug.noise', 1, done))
    await sent((done) => client.gauge('edge.eu.level.gold', 42, done))
    await sent((done) => client.increment('tagged.thing', 1, { env: 'line' }, done))
    await sent((done) => client.increment('plain.counter', 4, done))
    await closed(client)

    const text = await waitFor('the mapped series', async () => {
      const body = await getText(`${agent.baseUrl}/metrics`)
      return (sampleValue(body, 'plain_counter_total') ?? 0) === 4 ? body : undefined
    })
    const get = { task: 'api', service: 'shop', resource: 'users', method: 'get' }
    expect(sampleValue(text, 'requests_total', { ...get, status: 'success' })).toBe(3)
    expect(sampleValue(text, 'requests_total', { ...get, method: 'post', status: 'success' })).toBe(1)
    // The rule's buckets, not --buckets: 3 ms ≤ 5 ms, 30 ms ≤ 50 ms, 300 ms ≤ 500 ms.
    expect(sampleValue(text, 'task_duration_seconds_bucket', { ...get, le: '0.005' })).toBe(1)
    expect(sampleValue(text, 'task_duration_seconds_bucket', { ...get, le: '0.05' })).toBe(2)
    expect(sampleValue(text, 'task_duration_seconds_bucket', { ...get, le: '0.5' })).toBe(3)
    expect(sampleValue(text, 'task_duration_seconds_bucket', { ...get, le: '0.1' })).toBeUndefined()
    expect(text).not.toContain('shop.api')

    expect(sampleValue(text, 'jobs_done_total', { service: 'shop', queue: 'mail' })).toBe(7)
    expect(text).toContain('# HELP jobs_done_total Jobs finished, by queue\n')
    expect(text).not.toContain('debug_noise')
    expect(sampleValue(text, 'level', { source: 'edge.eu', tier: 'gold' })).toBe(42)
    // honor_labels: the line's env wins over the rule's.
    expect(sampleValue(text, 'tagged_total', { env: 'line', kind: 'thing' })).toBe(1)

    expect(sampleValue(text, 'taskmeter_mapping_matches_total', { result: 'mapped' })).toBe(8)
    expect(sampleValue(text, 'taskmeter_mapping_matches_total', { result: 'dropped' })).toBe(1)
    expect(sampleValue(text, 'taskmeter_mapping_matches_total', { result: 'unmapped' })).toBe(1)
    // Keys without meaning here are said once at start, with their line.
    expect(agent.output()).toContain(`${mappingPath}:25: observer_type: summary is ignored`)
  })

  it("maps what Python's socket sends the same way", async () => {
    const python = requireTool('python3', 'apt-get install python3')
    const run = await runProcess(python, ['-c', PYTHON_SENDER, String(agent.udpPort)], {
      timeoutMs: 10_000,
      until: 'exit',
    })
    expect(run.code, run.stderr).toBe(0)
    const text = await waitFor('the Python lines', async () => {
      const body = await getText(`${agent.baseUrl}/metrics`)
      return sampleValue(body, 'jobs_done_total', { service: 'py', queue: 'sms' }) === 3 ? body : undefined
    })
    const list = { task: 'api', service: 'py', resource: 'orders', method: 'list', status: 'success' }
    expect(sampleValue(text, 'requests_total', list)).toBe(1)
    expect(sampleValue(text, 'taskmeter_mapping_matches_total', { result: 'dropped' })).toBe(2)
  })
})
