import { describe, expect, it } from 'vitest'
import { TaskmeterError } from './taskmeter-error.js'
import { type Config, type Env, loadConfig } from './load-config.js'

function load(argv: readonly string[], env: Env = {}): Config {
  const config = loadConfig(argv, env, () => {})
  if (config === null) throw new Error('unexpected --help')
  return config
}

function refusal(argv: readonly string[]): string {
  try {
    loadConfig(argv, {}, () => {})
  } catch (err) {
    if (err instanceof TaskmeterError) return err.message
    throw err
  }
  throw new Error(`no error for ${JSON.stringify(argv)}`)
}

describe('taskmeter-agent doctor (config)', () => {
  it('is a command word; its agent is the agent’s own --host/--port unless --agent-url is given', () => {
    expect(load([]).mode).toBe('agent')
    const doctor = load(['doctor'], { METRICS_PORT: '3100', PROMETHEUS_URL: 'http://prometheus:9090/' })
    expect(doctor).toMatchObject({
      mode: 'doctor',
      port: 3100,
      prometheusUrl: 'http://prometheus:9090',
      doctor: { agentUrl: null, json: false },
    })
    expect(load(['doctor', '--json']).doctor.json).toBe(true)
    expect(load(['doctor', '--agent-url', 'http://10.0.0.5:3000/']).doctor.agentUrl).toBe('http://10.0.0.5:3000')
    expect(load(['--port', '3001', 'doctor']).mode).toBe('doctor') // flags before or after the command
  })

  it('refuses other words, a second command, and flags that make no sense with it (one line each)', () => {
    expect(refusal(['check'])).toBe('config: unknown command "check": the only command is doctor (see --help)')
    expect(refusal(['doctor', 'now'])).toMatch(/^config: too many arguments/)
    expect(refusal(['--agent-url', 'http://a:1'])).toBe('config: --agent-url only applies with doctor')
    expect(refusal(['--json'])).toBe('config: --json only applies with --load-test, --compare or doctor')
    expect(refusal(['doctor', '--agent-url', 'ftp://a'])).toMatch(/^config: --agent-url must be an http\(s\) URL/)
    expect(refusal(['doctor', '--demo'])).toBe(
      'config: doctor cannot be combined with --demo: it only checks a running agent',
    )
    expect(refusal(['doctor', '--load-test'])).toBe(
      'config: doctor cannot be combined with --load-test: it only checks a running agent',
    )
  })

  it('is listed in --help', () => {
    let help = ''
    expect(loadConfig(['--help'], {}, (text) => (help += text))).toBeNull()
    expect(help).toMatch(/Usage: taskmeter-agent \[options\] \[command\]/)
    expect(help).toMatch(/"doctor": check the agent \(and, with --prometheus-url, Prometheus and its scrape target\)/)
    expect(help).toMatch(/--json +--load-test\/--compare: print only the JSON summary; doctor: the checks as JSON/)
    expect(help).toMatch(/--agent-url <url> +doctor: the agent to check/)
  })
})
