// Runs the client package's synthetic workload (@taskmeter/client/load) as a child process and
// reports its progress lines. The workload goes through the real client over real UDP; the
// agent package only starts the script (it never imports the client).
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

export interface WorkloadProgress {
  type: 'progress' | 'done'
  requests: number
  errors: number
  duration_s: number
  client?: { sent: number; dropped: Record<string, number> }
}

export interface WorkloadOptions {
  host: string
  port: number
  task: string
  mode: 'sync' | 'async'
  concurrency: number
  durationSeconds: number | null
  requests: number | null
  ratePerSecond: number | null
  errorRate: number
}

export interface RunningWorkload {
  /** Resolves with the final line once the workload has stopped and flushed. */
  readonly done: Promise<WorkloadProgress>
  /** Asks the workload to stop launching requests (it still finishes the ones in flight). */
  stop(): void
}

export function startWorkload(
  options: WorkloadOptions,
  onProgress: (progress: WorkloadProgress) => void,
): RunningWorkload {
  const script = fileURLToPath(import.meta.resolve('@taskmeter/client/load'))
  const args = [
    script,
    '--host',
    options.host,
    '--port',
    String(options.port),
    '--task',
    options.task,
    '--mode',
    options.mode,
  ]
  args.push('--concurrency', String(options.concurrency), '--error-rate', String(options.errorRate))
  if (options.durationSeconds !== null) args.push('--duration', String(options.durationSeconds))
  if (options.requests !== null) args.push('--requests', String(options.requests))
  if (options.ratePerSecond !== null) args.push('--rate', String(options.ratePerSecond))
  // The workload must not inherit our SIGINT (Ctrl-C reaches the whole process group): we ask it
  // to stop ourselves, so it can finish and flush what is in flight.
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], detached: true })
  const done = new Promise<WorkloadProgress>((resolve, reject) => {
    let last: WorkloadProgress | null = null
    createInterface({ input: child.stdout }).on('line', (line) => {
      let parsed: WorkloadProgress
      try {
        parsed = JSON.parse(line) as WorkloadProgress
      } catch {
        return
      }
      last = parsed
      onProgress(parsed)
    })
    child.on('error', reject)
    child.on('exit', (code) => {
      if (last !== null && last.type === 'done') resolve(last)
      else reject(new Error(`workload exited with code ${code} before reporting`))
    })
  })
  return {
    done,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGTERM')
    },
  }
}
