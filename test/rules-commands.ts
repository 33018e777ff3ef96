// Runs the rules generator (deploy/prometheus/generate-rules.mjs) and the system tools the rules
// tests need (promtool, yamllint) to completion, bounded by a timeout.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { REPO_ROOT } from './harness/agent-process.js'

export const GENERATOR = path.join(REPO_ROOT, 'deploy', 'prometheus', 'generate-rules.mjs')
export const RULES_FILE = path.join(REPO_ROOT, 'deploy', 'prometheus', 'rules', 'taskmeter.rules.yml')
export const PROMETHEUS_RULE_FILE = path.join(REPO_ROOT, 'deploy', 'k8s', 'prometheus-rule.yaml')
export const RUNBOOK = path.join(REPO_ROOT, 'docs', 'runbook.md')

export interface CommandResult {
  code: number | null
  stdout: string
  stderr: string
}

export function runCommand(command: string, args: string[], timeoutMs = 30_000): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/** `node deploy/prometheus/generate-rules.mjs <args>`, as `npm run rules -- <args>` runs it. */
export function runGenerator(args: string[]): Promise<CommandResult> {
  return runCommand(process.execPath, [GENERATOR, ...args])
}
