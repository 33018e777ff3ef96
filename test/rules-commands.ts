// Runs the rules generator (deploy/prometheus/generate-rules.mjs) and the system tools the rules
// tests need (promtool, yamllint) to completion, bounded by a timeout.
import path from 'node:path'
import { REPO_ROOT } from './harness/agent-process.js'
import { type ProcessResult, runProcess } from './harness/run-process.js'

export const GENERATOR = path.join(REPO_ROOT, 'deploy', 'prometheus', 'generate-rules.mjs')
export const RULES_FILE = path.join(REPO_ROOT, 'deploy', 'prometheus', 'rules', 'taskmeter.rules.yml')
export const PROMETHEUS_RULE_FILE = path.join(
  REPO_ROOT,
  'deploy',
  'k8s',
  'overlays',
  'prometheus-operator',
  'prometheus-rule.yaml',
)
export const RUNBOOK = path.join(REPO_ROOT, 'docs', 'runbook.md')

export type CommandResult = ProcessResult

export function runCommand(command: string, args: string[], timeoutMs = 30_000): Promise<CommandResult> {
  return runProcess(command, args, { cwd: REPO_ROOT, timeoutMs })
}

/** `node deploy/prometheus/generate-rules.mjs <args>`, as `npm run rules -- <args>` runs it. */
export function runGenerator(args: string[]): Promise<CommandResult> {
  return runCommand(process.execPath, [GENERATOR, ...args])
}
