// The agent's command line at run time: env fallbacks with flags winning, the memory budget and
// series cap, health routes, and a clean exit on SIGTERM / SIGINT. Real child processes on
// ephemeral 127.0.0.1 ports.
import { spawn } from 'node:child_process'
import { EVENT_KIND } from '@taskmeter/protocol'
import { describe, expect, it } from 'vitest'
import { AGENT_CLI, runAgentCli } from './harness/agent-process.js'
import { getJson, getText, waitFor } from './harness/poll.js'
import { sampleValue } from './harness/prometheus-text.js'
import { UdpSender } from './harness/udp-sender.js'
import {
  SAFE,
  cleanEnv,
  type Dashboard,
  start,
  stderrLines,
  encodedName,
  freePort,
  freeUdpPort,
} from './harness/agent-cli-support.js'

describe('env fallbacks, flags win', () => {
  it('WINDOW_SIZE=7 sets the window', async () => {
    const agent = await start([], cleanEnv({ WINDOW_SIZE: '7' }))
    expect((await getJson<Dashboard>(`${agent.baseUrl}/dashboard`)).window_seconds).toBe(7)
  })

  it('--window 9 wins over WINDOW_SIZE=7', async () => {
    const agent = await start(['--window', '9'], cleanEnv({ WINDOW_SIZE: '7' }))
    expect((await getJson<Dashboard>(`${agent.baseUrl}/dashboard`)).window_seconds).toBe(9)
  })

  // Precision 3 at the default 10 000 series exceeds the default --max-memory: keep few series.
  it('LATENCY_PRECISION=3 sets the precision; --precision 1 wins over it', async () => {
    const [fromEnv, fromFlag] = await Promise.all([
      start(['--max-series', '100'], cleanEnv({ LATENCY_PRECISION: '3' })),
      start(['--max-series', '100', '--precision', '1'], cleanEnv({ LATENCY_PRECISION: '3' })),
    ])
    expect((await getJson<Dashboard>(`${fromEnv.baseUrl}/dashboard`)).precision).toBe(3)
    expect((await getJson<Dashboard>(`${fromFlag.baseUrl}/dashboard`)).precision).toBe(1)
  })

  it('PROMETHEUS_URL reaches the dashboard; --prometheus-url wins over it', async () => {
    const [fromEnv, fromFlag] = await Promise.all([
      start([], cleanEnv({ PROMETHEUS_URL: 'http://prom.example:9090/' })),
      start(['--prometheus-url', 'http://flag.example:9090'], cleanEnv({ PROMETHEUS_URL: 'http://prom.example:9090' })),
    ])
    expect(JSON.stringify(await getJson<Dashboard>(`${fromEnv.baseUrl}/dashboard`))).toContain(
      'http://prom.example:9090',
    )
    const flagged = JSON.stringify(await getJson<Dashboard>(`${fromFlag.baseUrl}/dashboard`))
    expect(flagged).toContain('http://flag.example:9090')
    expect(flagged).not.toContain('prom.example')
  })

  it('--port 0 wins over METRICS_PORT (the env port stays free)', async () => {
    const envPort = await freePort()
    const agent = await start([], cleanEnv({ METRICS_PORT: String(envPort) }))
    expect(agent.httpPort).not.toBe(envPort)
    expect((await fetch(`${agent.baseUrl}/healthz`)).status).toBe(200)
  })

  it('METRICS_PORT and UDP_PORT are used when no flag is given', async () => {
    const [httpPort, udpPort] = await Promise.all([freePort(), freeUdpPort()])
    const child = spawn(process.execPath, [AGENT_CLI, '--host', '127.0.0.1'], {
      env: cleanEnv({ METRICS_PORT: String(httpPort), UDP_PORT: String(udpPort) }),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    try {
      await waitFor('the agent on METRICS_PORT to be ready', async () => {
        if (child.exitCode !== null) throw new Error(`agent exited with ${child.exitCode}: ${output}`)
        const response = await fetch(`http://127.0.0.1:${httpPort}/ready`)
        return response.status === 200 ? true : undefined
      })
      const dashboard = await getJson<Dashboard>(`http://127.0.0.1:${httpPort}/dashboard`)
      expect(dashboard.agent.udp_port).toBe(udpPort)
      // And the UDP port really receives.
      const sender = new UdpSender(udpPort)
      await sender.append(EVENT_KIND.timing, encodedName('env-port-task'), 5)
      await sender.flush()
      sender.close()
      await waitFor('the event sent to UDP_PORT', async () => {
        const text = await getText(`http://127.0.0.1:${httpPort}/metrics`)
        return sampleValue(text, 'tasks_completed_total', { task: 'env-port-task' }) === 1 ? true : undefined
      })
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      expect(await exited).toBe(0)
      clearTimeout(timer)
    }
  })
})

describe('memory budget and series cap', () => {
  // Either flag alone, with the other at its default, puts the worst case past the default --max-memory.
  it.each([
    { flags: '--precision 5', args: ['--precision', '5'] },
    { flags: '--max-series 10000000', args: ['--max-series', '10000000'] },
  ])('$flags refuses to start with one line naming --precision, --max-series and --max-memory', async ({ args }) => {
    const result = await runAgentCli([...SAFE, ...args], cleanEnv())
    expect(result.code).toBe(2)
    const lines = stderrLines(result.stderr)
    expect(lines, result.stderr).toHaveLength(1)
    for (const flag of ['--precision', '--max-series', '--max-memory']) expect(lines[0]).toContain(flag)
  })

  it('--precision 5 starts when the user chooses: few series', async () => {
    const agent = await start(['--precision', '5', '--max-series', '10'], cleanEnv())
    expect((await getJson<Dashboard>(`${agent.baseUrl}/dashboard`)).precision).toBe(5)
  })

  it('--max-series 3: ten distinct tasks keep 3 series and count the rest as dropped', async () => {
    const agent = await start(['--max-series', '3'], cleanEnv())
    const sender = new UdpSender(agent.udpPort)
    try {
      for (let i = 0; i < 10; i++) await sender.append(EVENT_KIND.timing, encodedName(`task-${i}`), 10 + i)
      await sender.flush()
      // A second datagram, so that a cap that only held per datagram would show.
      for (let i = 0; i < 10; i++) await sender.append(EVENT_KIND.timing, encodedName(`task-${i}`), 20 + i)
      await sender.flush()
      const sent = sender.datagramsSent
      const text = await waitFor('both datagrams', async () => {
        const body = await getText(`${agent.baseUrl}/metrics`)
        return sampleValue(body, 'taskmeter_datagrams_received_total') === sent ? body : undefined
      })
      expect(sampleValue(text, 'taskmeter_series')).toBe(3)
      expect(sampleValue(text, 'taskmeter_series_max')).toBe(3)
      expect(sampleValue(text, 'taskmeter_series_dropped_total')).toBeGreaterThanOrEqual(7)
      const dashboard = await getJson<Dashboard>(`${agent.baseUrl}/dashboard`)
      expect(Object.keys(dashboard.tasks)).toHaveLength(3)
      // The kept tasks saw both their events.
      for (const task of Object.keys(dashboard.tasks))
        expect(sampleValue(text, 'tasks_completed_total', { task })).toBe(2)
      expect((await fetch(`${agent.baseUrl}/healthz`)).status).toBe(200)
    } finally {
      sender.close()
    }
  })
})

describe('health and signals', () => {
  it('GET /ready and /healthz answer 200', async () => {
    const agent = await start([], cleanEnv())
    const ready = await fetch(`${agent.baseUrl}/ready`)
    expect(ready.status).toBe(200)
    const healthz = await fetch(`${agent.baseUrl}/healthz`)
    expect(healthz.status).toBe(200)
  })

  it.each(['SIGTERM', 'SIGINT'] as const)('%s stops the agent with exit code 0', async (signal) => {
    const agent = await start([], cleanEnv())
    const sender = new UdpSender(agent.udpPort)
    await sender.append(EVENT_KIND.timing, encodedName('before-stop'), 3)
    await sender.flush()
    sender.close()
    await waitFor('the agent to be ready', async () =>
      (await fetch(`${agent.baseUrl}/ready`)).status === 200 ? true : undefined,
    )
    expect(await agent.stop(signal)).toBe(0)
    expect(agent.child.signalCode).toBeNull()
    // Afterwards the port no longer answers.
    await expect(fetch(`${agent.baseUrl}/healthz`)).rejects.toThrow()
  })
})
