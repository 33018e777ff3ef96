// Starts the real agent CLI as a child process on ephemeral ports and learns its ports from its
// startup log line. Every end-to-end test talks to it over real UDP and HTTP.
import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { type ProcessResult, runProcess } from './run-process.js'

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const AGENT_CLI = path.join(REPO_ROOT, 'agent', 'dist', 'cli.js')

export interface AgentProcess {
  readonly child: ChildProcess
  readonly udpPort: number
  readonly httpPort: number
  readonly baseUrl: string
  /** Everything the agent wrote so far (stdout + stderr). */
  output(): string
  /** Sends the signal, then SIGKILL if the agent is still running after graceMs. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>
}

export async function startAgentProcess(args: string[] = [], env: Record<string, string> = {}): Promise<AgentProcess> {
  const child = spawn(process.execPath, [AGENT_CLI, '--port', '0', '--udp-port', '0', '--host', '127.0.0.1', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let text = ''
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))

  const ports = await new Promise<{ udp: number; http: number }>((resolve, reject) => {
    const deadline = setTimeout(() => {
      child.kill('SIGKILL') // never leave an agent behind a failed start
      reject(new Error(`agent did not start within 10 s (the harness reads the info-level "listening" line):\n${text}`))
    }, 10_000)
    const onData = (): void => {
      const match = /"udp":"[^"]*:(\d+)","http":"[^"]*:(\d+)"/.exec(text)
      if (match !== null) {
        clearTimeout(deadline)
        child.stdout?.off('data', onData)
        resolve({ udp: Number(match[1]), http: Number(match[2]) })
      }
    }
    child.stdout?.on('data', onData)
    void exited.then((code) => {
      clearTimeout(deadline)
      reject(new Error(`agent exited with ${code} before listening:\n${text}`))
    })
  })

  // `npm run test:dgram` runs ingest tests again with TASKMETER_UDP_READER=dgram: make sure the
  // agent really took that reader, or those runs would test the default one twice.
  const wanted = env.TASKMETER_UDP_READER ?? process.env.TASKMETER_UDP_READER
  if (
    wanted !== undefined &&
    wanted !== 'auto' &&
    !args.includes('--udp-reader') &&
    !text.includes(`"udp_reader":"${wanted}"`)
  ) {
    child.kill('SIGKILL')
    throw new Error(`TASKMETER_UDP_READER=${wanted} but the agent did not take that reader:\n${text}`)
  }
  return {
    child,
    udpPort: ports.udp,
    httpPort: ports.http,
    baseUrl: `http://127.0.0.1:${ports.http}`,
    output: () => text,
    async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5_000) {
      if (child.exitCode !== null) return child.exitCode
      child.kill(signal)
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      const code = await exited
      clearTimeout(timer)
      return code
    },
  }
}

/** Runs the CLI to completion (for flag errors and --help). */
export function runAgentCli(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<ProcessResult> {
  return runProcess(process.execPath, [AGENT_CLI, ...args], {
    env: { ...process.env, ...env },
    timeoutMs,
    until: 'exit',
  })
}
