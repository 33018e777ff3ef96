#!/usr/bin/env node
// taskmeter-agent: wiring only. Parse config (exit 2 with one line on a bad value), start the
// agent, optionally the demo, and stop cleanly on SIGTERM/SIGINT/SIGQUIT.
import { type ClusterAgent, type RunningAgent, startAgent, startClusterAgent } from './agent.js'
import { TaskmeterError } from './config/taskmeter-error.js'
import { type Config, loadConfig } from './config/load-config.js'
import { handleSignals, holdStraySignals } from './signals.js'
import { SHARD_WORKER_ENV } from './workers/worker-messages.js'

// The modes, the shard worker and the demo are imported when they run, not at every start, so an
// agent does not hold their modules (the load-test client and progress bar, doctor, compare).
async function runMode(config: Config): Promise<number> {
  if (config.mode === 'load-test') return (await import('./modes/load-test.js')).runLoadTest(config)
  if (config.mode === 'doctor') return (await import('./modes/doctor.js')).runDoctor(config)
  return (await import('./modes/compare.js')).runCompare(config)
}

// The primary marks the shards it forks: asking node:cluster would load it (and child_process)
// into every agent, most of which run without --workers.
function isClusterWorker(): boolean {
  return process.env[SHARD_WORKER_ENV] === '1'
}

function readConfig(): Config | null {
  try {
    return loadConfig(process.argv.slice(2), process.env)
  } catch (err) {
    if (err instanceof TaskmeterError) {
      process.stderr.write(err.message + '\n')
      process.exit(2)
    }
    throw err
  }
}

/** --check-config: the files loaded; say what they hold (and what the agent will ignore). */
function checkSummary(config: Config): string {
  const where = config.configPath ?? 'flags and env'
  const rules =
    config.mapping === null
      ? 'no mapping rules'
      : `${config.mapping.rules.length} mapping rules from ${config.mapping.source}`
  const lines = [`config OK: ${where}; ${rules}`, ...(config.mapping?.warnings ?? []).map((w) => `warning: ${w}`)]
  return lines.join('\n') + '\n'
}

async function main(): Promise<void> {
  const config = readConfig()
  if (config === null) return // --help was printed
  if (config.checkConfig) {
    process.stdout.write(checkSummary(config))
    return
  }
  if (config.mode !== 'agent') {
    process.exitCode = await runMode(config)
    return
  }
  // --workers N: this process forks N shard workers (cluster) and serves HTTP; each
  // worker runs this same file with the same flags and lands here.
  if (isClusterWorker()) return (await import('./workers/shard-worker.js')).runShardWorker(config)
  holdStraySignals()
  let agent: RunningAgent | ClusterAgent
  try {
    agent = config.workers > 1 ? await startClusterAgent(config) : await startAgent(config)
  } catch (err) {
    // A --state-file written with other flags: one line naming the flag, and exit 2 as a bad flag does.
    if (err instanceof TaskmeterError) {
      process.stderr.write(err.message + '\n')
      process.exit(2)
    }
    process.stderr.write(`taskmeter-agent: cannot start: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(1)
  }
  const demo = config.demo ? (await import('./demo-process.js')).startDemoTraffic(agent.udpPort, agent.logger) : null
  let stopping = false
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return
    stopping = true
    agent.logger.info({ signal }, 'stopping: draining UDP and closing HTTP')
    demo?.kill('SIGTERM')
    agent.close().then(
      (counts) => {
        agent.logger.info(counts, 'stopped')
        process.exit(0)
      },
      () => process.exit(1),
    )
  }
  handleSignals(agent.logger, stop, () => agent.reload())
}

void main()
