// taskmeter as a bench/peers target: the built agent (agent/dist/cli.js) with a given UDP reader,
// worker count and, optionally, a unix datagram socket beside UDP. What it can do is read from its
// own --help, so that the bench runs against an agent with or without those flags.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startAgent, timingsCounted } from '../ingest.bench.mjs'

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'agent', 'dist', 'cli.js')

/** Which of the flags the bench varies the agent lists in its --help. */
export function agentFeatures() {
  let help = ''
  try {
    help = execFileSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' })
  } catch (err) {
    help = String(err.stdout ?? '')
  }
  return { udpReader: help.includes('--udp-reader'), unixSocket: help.includes('--unix-socket') }
}

/** The row's name: `taskmeter`, `taskmeter native`, `taskmeter --workers 2`. */
export function taskmeterName({ reader, workers = 1 }) {
  return ['taskmeter', reader ?? '', workers > 1 ? `--workers ${workers}` : ''].filter(Boolean).join(' ')
}

/**
 * Starts the agent: { name, port, unixPath, pid, reader, count(), stop() }. `reader` null leaves
 * the agent's default; `unix` adds --unix-socket in a temp dir and waits for the socket file.
 */
export async function startTaskmeter({ reader = null, workers = 1, unix = false }) {
  const dir = unix ? mkdtempSync(path.join(os.tmpdir(), 'taskmeter-peers-uds-')) : null
  const unixPath = dir === null ? null : path.join(dir, 'agent.sock')
  const agent = await startAgent([
    ...(reader !== null ? ['--udp-reader', reader] : []),
    ...(workers > 1 ? ['--workers', String(workers), '--max-memory', '8GiB'] : []),
    ...(unixPath !== null ? ['--unix-socket', unixPath] : []),
  ])
  for (let i = 0; unixPath !== null && i < 100 && !existsSync(unixPath); i++)
    await new Promise((r) => setTimeout(r, 50))
  const metrics = await (await fetch(`http://127.0.0.1:${agent.httpPort}/metrics`)).text()
  // The reader it runs, by its own account (an agent without the self metric has only Node's dgram).
  const running = /^taskmeter_udp_reader_info\{reader="(\w+)"\} 1/m.exec(metrics)?.[1] ?? 'dgram'
  const stop = async () => {
    if (agent.child.exitCode === null && agent.child.signalCode === null) {
      agent.child.kill('SIGTERM')
      await new Promise((r) => agent.child.once('exit', r))
    }
    if (dir !== null) rmSync(dir, { recursive: true, force: true })
  }
  if (unixPath !== null && !existsSync(unixPath)) {
    await stop()
    return { name: taskmeterName({ reader, workers }), skipped: `no socket at ${unixPath} after 5 s` }
  }
  return {
    name: taskmeterName({ reader, workers }),
    port: agent.udpPort,
    unixPath,
    pid: agent.child.pid,
    reader: running,
    settleMs: 300,
    // Timings aggregated, whatever the format (protocol v1 events or StatsD `|ms` lines).
    count: () => timingsCounted(agent.httpPort),
    stop,
  }
}
