// Runs a command to completion for a test: its output collected, SIGKILL after a timeout, a spawn
// error rejecting.
import { type SpawnOptions, spawn } from 'node:child_process'

export interface ProcessResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** stdout and stderr interleaved as they arrived. */
  output: string
}

export interface RunOptions extends SpawnOptions {
  timeoutMs: number
  /**
   * 'close' (the default) waits for the output streams to end too; 'exit' resolves when the
   * process ends, for commands whose own children may hold the streams open after it.
   */
  until?: 'exit' | 'close'
}

export function runProcess(
  command: string,
  args: readonly string[],
  { timeoutMs, until = 'close', ...options }: RunOptions,
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options })
    let stdout = ''
    let stderr = ''
    let output = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      output += chunk.toString()
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      output += chunk.toString()
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on(until, (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, output })
    })
  })
}
