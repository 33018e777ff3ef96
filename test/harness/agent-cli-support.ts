// Shared by the CLI tests: ephemeral-port flags, a clean environment, agents that are always
// stopped, and free ports for flags that need a number before the agent starts.
import { encodeName } from '@taskmeter/protocol'
import { afterAll } from 'vitest'
import { type AgentProcess, startAgentProcess } from './agent-process.js'
export { freePort } from '../prometheus-server.js'
export { cleanEnv } from './agent-env.js'

// Ephemeral ports and loopback, so that a value that wrongly passes validation cannot bind 3000/8125.
export const SAFE = ['--port', '0', '--udp-port', '0', '--host', '127.0.0.1']

export interface Dashboard {
  window_seconds: number
  precision: number
  tasks: Record<string, unknown>
  agent: Record<string, unknown>
}

const running: AgentProcess[] = []
export async function start(args: string[] = [], env: Record<string, string> = {}): Promise<AgentProcess> {
  const agent = await startAgentProcess(args, env)
  running.push(agent)
  return agent
}

afterAll(async () => {
  for (const agent of running) await agent.stop('SIGKILL')
})

export function stderrLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line !== '')
}

export function encodedName(text: string): Uint8Array {
  const encoded = encodeName(text)
  if (typeof encoded === 'string') throw new Error(`cannot encode ${text}: ${encoded}`)
  return encoded
}

export async function freeUdpPort(): Promise<number> {
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
