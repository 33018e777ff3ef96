// Which signals stop the agent and which it shrugs off. A sidecar gets signals it did not ask for:
// SIGHUP from a closed terminal or a config-reload habit, SIGUSR1/SIGUSR2 from tools that send
// them to every process. None of those may kill it or (SIGUSR1, Node's default) open the inspector
// on 127.0.0.1:9229; a JS listener replaces Node's handler, so the debugger never starts.

import type { Logger } from './logger.js'

/** Drain and exit: SIGQUIT too, as nginx and other daemons treat it (graceful, no core dump). */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGQUIT'] as const

/** Logged and ignored: there is no config to reload and no debugger to open. */
export const IGNORED_SIGNALS = ['SIGHUP', 'SIGUSR1', 'SIGUSR2'] as const

export function handleSignals(logger: Logger, stop: (signal: NodeJS.Signals) => void): void {
  for (const signal of STOP_SIGNALS) process.on(signal, stop)
  for (const signal of IGNORED_SIGNALS)
    process.on(signal, () => logger.info({ signal }, 'signal ignored: send SIGTERM to stop the agent'))
}

/** A shard worker is stopped by its primary's message, never by a signal sent to the whole group. */
export function ignoreAllSignals(): void {
  for (const signal of [...STOP_SIGNALS, ...IGNORED_SIGNALS]) process.on(signal, () => {})
}
