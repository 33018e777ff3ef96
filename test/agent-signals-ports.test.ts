// Signals a sidecar receives without asking (SIGUSR1, SIGUSR2) leave it running and never open
// Node's inspector; SIGHUP reloads the config and keeps it running; SIGQUIT stops it like SIGTERM. A port already taken stops the start with
// one line that names the flag to change.
import dgram from 'node:dgram'
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SAFE, cleanEnv, start, stderrLines } from './harness/agent-cli-support.js'
import { runAgentCli } from './harness/agent-process.js'
import { waitFor } from './harness/poll.js'

describe('signals', () => {
  it.each(['SIGUSR1', 'SIGUSR2'] as const)('%s is logged and ignored; no inspector opens', async (signal) => {
    const agent = await start(['--log-level', 'info'], cleanEnv())
    agent.child.kill(signal)
    await waitFor(`the agent to log ${signal}`, async () =>
      agent.output().includes(`"signal":"${signal}"`) ? true : undefined,
    )
    expect(agent.output()).toContain('signal ignored')
    expect((await fetch(`${agent.baseUrl}/healthz`)).status).toBe(200)
    expect(agent.child.exitCode).toBeNull()
    expect(agent.output()).not.toContain('Debugger listening')
  })

  it('SIGHUP reloads the config (here: flags only) and keeps serving', async () => {
    const agent = await start(['--log-level', 'info'], cleanEnv())
    agent.child.kill('SIGHUP')
    await waitFor('the agent to log the reload', async () =>
      agent.output().includes('"msg":"config reloaded"') ? true : undefined,
    )
    expect((await fetch(`${agent.baseUrl}/healthz`)).status).toBe(200)
    expect(agent.child.exitCode).toBeNull()
    await agent.stop()
  })

  it('SIGQUIT drains and exits 0, like SIGTERM', async () => {
    const agent = await start([], cleanEnv())
    expect(await agent.stop('SIGQUIT')).toBe(0)
    expect(agent.child.signalCode).toBeNull()
    expect(agent.output()).toContain('"msg":"stopped"')
  })
})

describe('a port already in use', () => {
  const holders: Array<{ close(): void }> = []
  let tcpPort = 0
  let udpPort = 0
  beforeAll(async () => {
    const server = net.createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    tcpPort = (server.address() as net.AddressInfo).port
    holders.push(server)
    const socket = dgram.createSocket('udp4')
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
    udpPort = socket.address().port
    holders.push(socket)
  })
  afterAll(() => {
    for (const holder of holders) holder.close()
  })

  const cases: Array<[string, () => string[]]> = [
    ['--udp-port', () => ['--port', '0', '--host', '127.0.0.1', '--udp-port', String(udpPort)]],
    ['--tcp-port', () => [...SAFE, '--tcp-port', String(tcpPort)]],
    ['--port', () => ['--udp-port', '0', '--host', '127.0.0.1', '--port', String(tcpPort)]],
  ]
  it.each(cases)('%s: exits 1 with one line naming the flag, no stack trace', async (flag, args) => {
    const result = await runAgentCli(args(), cleanEnv())
    expect(result.code).toBe(1)
    const lines = stderrLines(result.stderr)
    expect(lines, result.stderr).toHaveLength(1)
    expect(lines[0]).toMatch(
      new RegExp(`^taskmeter-agent: cannot start: ${flag} \\d+: .* is already in use; choose another ${flag}`),
    )
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /)
  })
})
