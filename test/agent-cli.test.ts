// The agent's command line as a user meets it: bad values exit 2 with one line naming the flag,
// --help lists every flag with its default, and the npm bin link works. agent-cli-runtime.test.ts
// covers env fallbacks, the memory budget, the series cap and signals. Every agent here is a real
// child process on ephemeral 127.0.0.1 ports.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import path from 'node:path'
import { REPO_ROOT, runAgentCli } from './harness/agent-process.js'
import { SAFE, cleanEnv, stderrLines } from './harness/agent-cli-support.js'

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
    { args: ['--max-clients', '0'], flag: '--max-clients' },
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
      ['--log-format', null, null],
      ['--prometheus-url', null, 'PROMETHEUS_URL'],
      ['--max-series', '10000', null],
      ['--max-memory', '1.25GiB', null],
      ['--max-scrape-bytes', '64MiB', null],
      ['--recv-buffer', '4MiB', null],
      ['--ttl', '600', null],
      ['--metrics-auth', null, 'METRICS_AUTH'],
      ['--workers', '1', null],
      ['--tcp-port', null, null],
      ['--udp-reader', 'auto', null],
      ['--unix-socket', null, null],
      ['--unix-socket-mode', '0660', null],
      ['--state-file', null, null],
      ['--state-interval', '30', null],
      ['--state-discard-incompatible', 'false', null],
      ['--max-clients', '1024', null],
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
      ['--remote-write-bearer-token', null, 'REMOTE_WRITE_BEARER_TOKEN'],
      ['--remote-write-basic-auth', null, 'REMOTE_WRITE_BASIC_AUTH'],
      ['--remote-write-queue', '1000000', null],
      ['--label', null, null],
      ['--config', null, null],
      ['--check-config', null, null],
      ['--mapping-config', null, null],
      ['--map-protocol', 'false', null],
      ['--statsd-tag-formats', 'dogstatsd,influxdb,librato,signalfx', null],
      ['--exemplar-tags', null, null],
      ['--trace-url-template', null, null],
      ['--version', null, null],
      ['--help', null, null],
    ]
    expect([...entries.keys()].sort()).toEqual(expected.map(([flag]) => flag).sort())
    for (const [flag, defaultValue, envName] of expected) {
      const entry = entries.get(flag) ?? ''
      if (defaultValue !== null)
        expect(entry, flag).toMatch(new RegExp(`default: "?${defaultValue.replace(/\./g, '\\.')}"?[,)]`))
      // Every flag has its TASKMETER_ name; the first env names stay as aliases.
      if (flag !== '--version' && flag !== '--help')
        expect(entry, flag).toContain(`env: TASKMETER_${flag.slice(2).replace(/-/g, '_').toUpperCase()}`)
      if (envName !== null) expect(entry, flag).toContain(`[or env ${envName}]`)
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

describe('--version', () => {
  it('prints the version of agent/package.json, for --version and -V, and exits 0', async () => {
    const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'agent', 'package.json'), 'utf8')) as {
      version: string
    }
    const [long, short] = await Promise.all([runAgentCli(['--version'], cleanEnv()), runAgentCli(['-V'], cleanEnv())])
    for (const result of [long, short]) {
      expect(result.code).toBe(0)
      expect(result.stderr).toBe('')
      expect(result.stdout).toBe(`${manifest.version}\n`)
    }
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+/)
  })
})

describe('npx taskmeter-agent', () => {
  it('runs through the npm bin link from the repo root (npx taskmeter-agent --help)', async () => {
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
