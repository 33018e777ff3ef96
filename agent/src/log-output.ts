// The process's logger for --log-format: pino's JSON lines, or the same records through pino-pretty
// for a person at a terminal. pino-pretty is loaded only for pretty output, so a sidecar (JSON, no
// TTY) never pays for it, and it runs in this thread (sync) rather than as a pino transport: a
// transport is a worker thread with its own heap, a cost out of proportion for a few lines a minute.
import { pino } from 'pino'
import type { LogFormat } from './config/log-options.js'
import type { LogLevel } from './config/load-config.js'
import type { AgentLogger } from './logger.js'

export async function createLogger(level: LogLevel, format: LogFormat): Promise<AgentLogger> {
  if (format === 'json') {
    const logger: AgentLogger = pino({ level })
    return logger
  }
  const pretty = (await import('pino-pretty')).default
  const stream = pretty({
    sync: true,
    colorize: process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
  })
  const logger: AgentLogger = pino({ level }, stream)
  return logger
}
