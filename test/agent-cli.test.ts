// The agent's command line as a user meets it (issue 14, "CLI and configuration"): bad values exit 2
// with one line naming the flag, env fallbacks with flags winning, --help with every default, the
// memory budget and series cap, health routes and a clean exit on SIGTERM / SIGINT. Every agent
// here is a real child process on ephemeral 127.0.0.1 ports.
import { spawn } from 'node:child_process'
import net from 'node:net'
import { EVENT_KIND, encodeName } from '@taskmeter/protocol'
import { afterAll, describe, expect, it } from 'vitest'
import path from 'node:path'
import { AGENT_CLI, type AgentProcess, REPO_ROOT, runAgentCli, startAgentProcess } from './harness/agent-process.js'
import { getJson, getText, waitFor } from './harness/poll.js'
import { sampleValue } from './harness/prometheus-text.js'
import { UdpSender } from './harness/udp-sender.js'

// Ephemeral ports and loopback, so that a value that wrongly passes validation cannot bind 3000/8125.
const SAFE = ['--port', '0', '--udp-port', '0', '--host', '127.0.0.1']

// Env names the agent reads: cleared for every child so the caller's shell cannot leak in.
const AGENT_ENV = ['METRICS_PORT', 'UDP_PORT', 'WINDOW_SIZE', 'LATENCY_PRECISION', 'LOG_LEVEL', 'PROMETHEUS_URL']
const cleanEnv = (extra: Record<string, string> = {}): Record<string, string> => {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !AGENT_ENV.includes(key)) env[key] = value
  return { ...env, ...extra }
}

interface Dashboard {
  window_seconds: number
  precision: number
  tasks: Record<string, unknown>
  agent: Record<string, unknown>
}

const running: AgentProcess[] = []
async function start(args: string[] = [], env: Record<string, string> = {}): Promise<AgentProcess> {
  const agent = await startAgentProcess(args, env)
  running.push(agent)
  return agent
}

afterAll(async () => {
  for (const agent of running) await agent.stop('SIGKILL')
})

function stderrLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line !== '')
}

describe('bad flags', () => {
  const cases: Array<{ args: string[]; flag: string }> = [
    { args: ['--window', 'abc'], flag: '--window' },
    { args: ['--window', '0'], flag: '--window' },
    { args: ['--window', '1.5'], flag: '--window' },
    { args: ['--window'], flag: '--window' },
    { args: ['--precision', '9'], flag: '--precision' },
    { args: ['--precision', '0'], flag: '--precision' },
    { args: ['--port', '70000'], flag: '--port' },
    { args: ['--udp-port', '-1'], flag: '--udp-port' },
    { args: ['--buckets', '0.5,0.1'], flag: '--buckets' },
    { args: ['--buckets', '0.1,,0.5'], flag: '--buckets' },
    { args: ['--buckets', '-1,2'], flag: '--buckets' },
    { args: ['--log-level', 'loud'], flag: '--log-level' },
    { args: ['--max-memory', '1x'], flag: '--max-memory' },
    { args: ['--max-series', '0'], flag: '--max-series' },
    { args: ['--max-series', 'many'], flag: '--max-series' },
    { args: ['--recv-buffer', 'lots'], flag: '--recv-buffer' },
    { args: ['--tcp-port', '65536'], flag: '--tcp-port' },
    { args: ['--workers', '0'], flag: '--workers' },
    { args: ['--prometheus-url', 'ftp://prometheus:9090'], flag: '--prometheus-url' },
    { args: ['--host', 'not a host'], flag: '--host' },
    { args: ['--frobnicate'], flag: '--frobnicate' },
    { args: ['--window=abc'], flag: '--window' },
  ]
  it.each(cases)('$args exits 2 with one stderr line naming $flag', async ({ args, flag }) => {
    const result = await runAgentCli([...SAFE, ...args], cleanEnv())
    expect(result.code).toBe(2)
    const lines = stderrLines(result.stderr)
    expect(lines, result.stderr).toHaveLength(1)
    expect(lines[0]).toContain(flag)
    expect(result.stdout).toBe('')
  })

  it('a stray argument exits 2 with one line', async () => {
    const result = await runAgentCli([...SAFE, 'serve'], cleanEnv())
    expect(result.code).toBe(2)
    expect(stderrLines(result.stderr)).toHaveLength(1)
  })

  it.each<{ env: Record<string, string>; flag: string }>([
    { env: { WINDOW_SIZE: 'abc' }, flag: '--window' },
    { env: { LATENCY_PRECISION: '7' }, flag: '--precision' },
    { env: { LOG_LEVEL: 'chatty' }, flag: '--log-level' },
    { env: { METRICS_PORT: '99999' }, flag: '--port' },
    { env: { PROMETHEUS_URL: 'not a url' }, flag: '--prometheus-url' },
  ])('a bad env value $env exits 2 with one line naming $flag', async ({ env, flag }) => {
    const args = flag === '--port' ? ['--udp-port', '0', '--host', '127.0.0.1'] : SAFE
    const result = await runAgentCli(args, cleanEnv(env))
    expect(result.code).toBe(2)
    const lines = stderrLines(result.stderr)
    expect(lines, result.stderr).toHaveLength(1)
    expect(lines[0]).toContain(flag)
  })
})

describe('--help', () => {
  it('exits 0 and lists every flag with its default and env name', async () => {
    const result = await runAgentCli(['--help'], cleanEnv())
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
    // One entry per option: its first line starts with "  -", wrapped lines are indented further.
    const entries = new Map<string, string>()
    let current: string | null = null
    for (const line of result.stdout.split('\n')) {
      const head = /^ {2}(?:-\w, )?(--[a-z-]+)/.exec(line)
      if (head !== null) {
        current = head[1] as string
        entries.set(current, line.trim())
      } else if (current !== null && /^ {4,}\S/.test(line)) {
        entries.set(current, `${entries.get(current) ?? ''} ${line.trim()}`)
      } else {
        current = null
      }
    }
    const expected: Array<[string, string | null, string | null]> = [
      ['--port', '3000', 'METRICS_PORT'],
      ['--udp-port', '8125', 'UDP_PORT'],
      ['--host', '0.0.0.0', null],
      ['--udp-host', '127.0.0.1', null],
      ['--window', '60', 'WINDOW_SIZE'],
      ['--precision', '2', 'LATENCY_PRECISION'],
      ['--buckets', '0.001,0.005,0.01,0.025,0.05,0.1,0.25,0.5,1,2.5,5,10', null],
      ['--log-level', 'info', 'LOG_LEVEL'],
      ['--prometheus-url', null, 'PROMETHEUS_URL'],
      ['--max-series', '10000', null],
      ['--max-memory', '512MiB', null],
      ['--recv-buffer', '4MiB', null],
      ['--ttl', '600', null],
      ['--metrics-auth', null, 'METRICS_AUTH'],
      ['--workers', '1', null],
      ['--tcp-port', null, null],
      ['--demo', 'false', null],
      ['--load-test', 'false', null],
      ['--compare', 'false', null],
      ['--duration', '60', null],
      ['--concurrency', '100', null],
      ['--rate', null, null],
      ['--task', 'load_test', null],
      ['--error-rate', '0.01', null],
      ['--requests', '1000', null],
      ['--target', null, null],
      ['--target-url', null, null],
      ['--json', 'false', null],
      ['--agent-url', null, null],
      ['--native-histograms', 'true', null],
      ['--native-schema', null, null],
      ['--native-max-buckets', '160', null],
      ['--remote-write', null, null],
      ['--remote-write-interval', '15', null],
      ['--remote-write-bearer-token', null, null],
      ['--remote-write-basic-auth', null, null],
      ['--remote-write-queue', '1000000', null],
      ['--label', null, null],
      ['--help', null, null],
    ]
    expect([...entries.keys()].sort()).toEqual(expected.map(([flag]) => flag).sort())
    for (const [flag, defaultValue, envName] of expected) {
      const entry = entries.get(flag) ?? ''
      if (defaultValue !== null) expect(entry, flag).toMatch(new RegExp(`default: "?${defaultValue.replace(/\./g, '\\.')}"?[,)]`))
      if (envName !== null) expect(entry, flag).toContain(`env: ${envName}`)
    }
    expect(entries.get('--log-level')).toContain('fatal|error|warn|info|debug|trace|silent')
    expect(entries.get('--precision')).toContain('1..5')
  })

  it('-h is the same', async () => {
    const [long, short] = await Promise.all([runAgentCli(['--help'], cleanEnv()), runAgentCli(['-h'], cleanEnv())])
    expect(short.code).toBe(0)
    expect(short.stdout).toBe(long.stdout)
  })
})

describe('env fallbacks, flags win', () => {
  it('WINDOW_SIZE=7 sets the window', async () => {
    const agent = await start([], cleanEnv({ WINDOW_SIZE: '7' }))
    expect((await getJson<Dashboard>(`${agent.baseUrl}/dashboard`)).window_seconds).toBe(7)
  })

  it('--window 9 wins over WINDOW_SIZE=7', async () => {
    const agent = await start(['--window', '9'], cleanEnv({ WINDOW_SIZE: '7' }))
    expect((await getJson<Dashboard>(`${agent.baseUrl}/dashboard`)).window_seconds).toBe(9)
  })

  // Precision 3 at the default 10 000 series exceeds the default 512MiB budget: keep few series.
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
    expect(JSON.stringify(await getJson<Dashboard>(`${fromEnv.baseUrl}/dashboard`))).toContain('http://prom.example:9090')
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
  it('--precision 5 refuses to start with one line naming --precision, --max-series and --max-memory', async () => {
    const result = await runAgentCli([...SAFE, '--precision', '5'], cleanEnv())
    expect(result.code).toBe(2)
    const lines = stderrLines(result.stderr)
    expect(lines, result.stderr).toHaveLength(1)
    for (const flag of ['--precision', '--max-series', '--max-memory']) expect(lines[0]).toContain(flag)
  })

  it('--max-series 10000000 at the default precision also exceeds 512MiB and refuses', async () => {
    const result = await runAgentCli([...SAFE, '--max-series', '10000000'], cleanEnv())
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
      for (const task of Object.keys(dashboard.tasks)) expect(sampleValue(text, 'tasks_completed_total', { task })).toBe(2)
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
    await waitFor('the agent to be ready', async () => ((await fetch(`${agent.baseUrl}/ready`)).status === 200 ? true : undefined))
    expect(await agent.stop(signal)).toBe(0)
    expect(agent.child.signalCode).toBeNull()
    // Afterwards the port no longer answers.
    await expect(fetch(`${agent.baseUrl}/healthz`)).rejects.toThrow()
  })
})

function encodedName(text: string): Uint8Array {
  const encoded = encodeName(text)
  if (typeof encoded === 'string') throw new Error(`cannot encode ${text}: ${encoded}`)
  return encoded
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free TCP port'))))
    })
  })
}

async function freeUdpPort(): Promise<number> {
  const dgram = await import('node:dgram')
  return await new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4')
    socket.once('error', reject)
    socket.bind(0, '127.0.0.1', () => {
      const port = socket.address().port
      socket.close(() => resolve(port))
    })
  })
}

describe('npx taskmeter-agent', () => {
  it('runs through the npm bin link from the repo root (issue 3: npx taskmeter-agent --help)', async () => {
    const bin = path.join(REPO_ROOT, 'node_modules', '.bin', 'taskmeter-agent')
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(bin, ['--help'], { stdio: ['ignore', 'pipe', 'pipe'] })
      let stdout = ''
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
      child.on('error', () => resolve({ code: -1, stdout }))
      child.on('exit', (code) => resolve({ code, stdout }))
    })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Usage: taskmeter-agent')
  })
})
