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

// Every signal the agent handles is held from before the start until its handlers exist: the
// kernel applies Node's defaults at once otherwise (SIGTERM, SIGQUIT, SIGHUP and SIGUSR2 kill,
// SIGUSR1 opens the inspector), even in the instant between the "listening" line a supervisor
// waits for and the handlers. A held signal is handled as if it came just after the start. A
// second stop signal during a start that is slow (a large --state-file) ends the process at once.
const HANDLED = [...STOP_SIGNALS, RELOAD_SIGNAL, ...IGNORED_SIGNALS] as const
const heldDuringStart: NodeJS.Signals[] = []
const hold = (signal: NodeJS.Signals): void => {
  const isStop = (STOP_SIGNALS as readonly string[]).includes(signal)
  if (isStop && heldDuringStart.some((held) => (STOP_SIGNALS as readonly string[]).includes(held))) {
    process.stderr.write(`taskmeter-agent: ${signal} again during start: exiting without a drain\n`)
    process.exit(1)
  }
  heldDuringStart.push(signal)
}

/** Before the agent starts: holds the signals it handles until handleSignals() takes them over. */
export function holdStraySignals(): void {
  for (const signal of HANDLED) process.on(signal, hold)
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
