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

// Every signal the agent handles, once it can: before then Node's defaults would apply (SIGHUP
// and SIGUSR2 exit, SIGUSR1 opens the inspector). The stop signals are not held: a SIGTERM or a
// Ctrl-C during a slow start (a large --state-file) must still end the process at once.
const HELD = [RELOAD_SIGNAL, ...IGNORED_SIGNALS] as const
const HANDLED = [...STOP_SIGNALS, ...HELD] as const
const heldDuringStart: NodeJS.Signals[] = []
const hold = (signal: NodeJS.Signals): void => {
  heldDuringStart.push(signal)
}

/**
 * Before the agent starts: a SIGHUP, SIGUSR1 or SIGUSR2 that arrives while it starts (before its
 * handlers and its logger exist) is held, then handled as if it came just after the start.
 */
export function holdStraySignals(): void {
  for (const signal of HELD) process.on(signal, hold)
}

export function handleSignals(logger: Logger, stop: (signal: NodeJS.Signals) => void, reload: () => void): void {
  const ignored = (signal: NodeJS.Signals): void =>
    logger.info({ signal }, 'signal ignored: send SIGTERM to stop the agent, SIGHUP to reload')
  const handlerOf = (signal: NodeJS.Signals): ((signal: NodeJS.Signals) => void) =>
    signal === RELOAD_SIGNAL ? () => reload() : (STOP_SIGNALS as readonly string[]).includes(signal) ? stop : ignored
  for (const signal of HANDLED) {
    process.on(signal, handlerOf(signal))
    process.off(signal, hold)
  }
  for (const signal of heldDuringStart.splice(0)) handlerOf(signal)(signal)
}

/** A shard worker is stopped (and reloaded) by its primary's messages, never by a signal sent to the whole group. */
export function ignoreAllSignals(): void {
  for (const signal of HANDLED) process.on(signal, () => {})
}
