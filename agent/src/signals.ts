// Which signals stop the agent, which reload it and which it shrugs off. SIGHUP re-reads the config
// and mapping files (as statsd_exporter and Prometheus do). A sidecar also gets signals it did not
// ask for: SIGUSR1/SIGUSR2 from tools that send them to every process. None of those may kill it or
// (SIGUSR1, Node's default) open the inspector on 127.0.0.1:9229; a JS listener replaces Node's
// handler, so the debugger never starts.

import type { Logger } from './logger.js'

/** Drain and exit: SIGQUIT too, as nginx and other daemons treat it (graceful, no core dump). */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGQUIT'] as const

export const RELOAD_SIGNAL = 'SIGHUP'

/** Logged and ignored: there is no debugger to open. */
export const IGNORED_SIGNALS = ['SIGUSR1', 'SIGUSR2'] as const

const strayDuringStart: NodeJS.Signals[] = []
const rememberStray = (signal: NodeJS.Signals): void => {
  strayDuringStart.push(signal)
}

/**
 * From the first line of main(): a SIGUSR1/SIGUSR2 that arrives while the agent starts (before
 * there is a logger) must neither kill it nor open the inspector; it is logged once handled.
 */
export function holdStraySignals(): void {
  for (const signal of IGNORED_SIGNALS) process.on(signal, rememberStray)
}

export function handleSignals(logger: Logger, stop: (signal: NodeJS.Signals) => void, reload: () => void): void {
  for (const signal of STOP_SIGNALS) process.on(signal, stop)
  process.on(RELOAD_SIGNAL, reload)
  const ignored = (signal: NodeJS.Signals): void =>
    logger.info({ signal }, 'signal ignored: send SIGTERM to stop the agent, SIGHUP to reload')
  for (const signal of IGNORED_SIGNALS) {
    process.on(signal, ignored)
    process.off(signal, rememberStray)
  }
  for (const signal of strayDuringStart.splice(0)) ignored(signal)
}

/** A shard worker is stopped (and reloaded) by its primary's messages, never by a signal sent to the whole group. */
export function ignoreAllSignals(): void {
  for (const signal of [...STOP_SIGNALS, RELOAD_SIGNAL, ...IGNORED_SIGNALS]) process.on(signal, () => {})
}
