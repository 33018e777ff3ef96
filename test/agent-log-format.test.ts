// How the agent's logs look, and its health probes under Prometheus' spellings. JSON lines when
// stdout is a pipe (every sidecar), pretty lines that start with where to look when it is a
// terminal: checked under a real pseudo-terminal made by script(1), not by faking isTTY.
import { stripVTControlCharacters } from 'node:util'
import { describe, expect, it } from 'vitest'
import { AGENT_CLI, runAgentCli } from './harness/agent-process.js'
import { SAFE, cleanEnv, freePort, freeUdpPort, start } from './harness/agent-cli-support.js'
import { runProcess } from './harness/run-process.js'
import { requireTool } from './harness/system-tool.js'

/** Runs the agent for runMs with fixed ports (a pretty log has no JSON line to learn them from). */
async function runFor(runMs: number, args: string[], tty: boolean) {
  const [httpPort, udpPort] = [await freePort(), await freeUdpPort()]
  const agent = [process.execPath, AGENT_CLI, '--host', '127.0.0.1', '--port', String(httpPort)]
  const command = ['timeout', '-s', 'TERM', `${runMs / 1000}`, ...agent, '--udp-port', String(udpPort), ...args]
  const result = tty
    ? await runProcess(requireTool('script', 'apt-get install bsdutils'), ['-qec', command.join(' '), '/dev/null'], {
        timeoutMs: runMs + 10_000,
        env: cleanEnv(),
      })
    : await runProcess(command[0] ?? 'timeout', command.slice(1), { timeoutMs: runMs + 10_000, env: cleanEnv() })
  return {
    httpPort,
    udpPort,
    lines: stripVTControlCharacters(result.stdout)
      .split(/\r?\n/)
      .filter((line) => line !== ''),
  }
}

describe('--log-format', () => {
  it('writes one JSON object a line when stdout is not a terminal', async () => {
    const { lines } = await runFor(1500, [], false)
    expect(lines.length).toBeGreaterThanOrEqual(2)
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow()
    expect(lines.map((line) => JSON.parse(line).msg)).toContain('taskmeter agent listening')
  })

  it('is pretty on a terminal, and its first lines say where the live page, /metrics and UDP are', async () => {
    const { httpPort, udpPort, lines } = await runFor(2500, [], true)
    expect(lines[0]).toMatch(new RegExp(`INFO: live page +http://127\\.0\\.0\\.1:${httpPort}/$`))
    expect(lines[1]).toMatch(new RegExp(`INFO: metrics +http://127\\.0\\.0\\.1:${httpPort}/metrics$`))
    expect(lines[2]).toMatch(new RegExp(`INFO: events +udp 127\\.0\\.0\\.1:${udpPort} `))
    expect(lines.some((line) => line.startsWith('{'))).toBe(false)
  })

  it('--log-format json wins over a terminal, --log-format pretty over a pipe', async () => {
    const json = await runFor(1500, ['--log-format', 'json'], true)
    expect(JSON.parse(json.lines[0] ?? '').msg).toBe('taskmeter agent listening')
    const pretty = await runFor(1500, ['--log-format', 'pretty'], false)
    expect(pretty.lines[0]).toContain('INFO: live page')
  })

  it('a bad value exits 2 with one line naming the flag', async () => {
    const result = await runAgentCli([...SAFE, '--log-format', 'xml'], cleanEnv())
    expect(result.code).toBe(2)
    expect(result.stderr.trim()).toBe('config: --log-format must be json or pretty (got "xml")')
  })
})

describe('Prometheus spellings of the probes', () => {
  it('/-/healthy and /-/ready answer as /healthz and /ready, without credentials', async () => {
    const agent = await start(['--metrics-auth', 'bearer:secret'], cleanEnv())
    for (const [path, twin] of [
      ['/-/healthy', '/healthz'],
      ['/-/ready', '/ready'],
    ] as const) {
      const [answer, ours] = await Promise.all([fetch(agent.baseUrl + path), fetch(agent.baseUrl + twin)])
      expect(answer.status, path).toBe(200)
      expect(await answer.json()).toEqual(await ours.json())
    }
    expect((await fetch(`${agent.baseUrl}/metrics`)).status).toBe(401)
  })
})
