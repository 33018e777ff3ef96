// --log-format: how log lines look. A person at a terminal reads pretty lines; a container runtime,
// journald or a log shipper reads one JSON object a line. So the default follows stdout: pretty on
// a TTY, JSON otherwise (every sidecar, every pipe), and the flag overrides either way.
import { type Command, Option } from 'commander'
import { configError } from './taskmeter-error.js'

export const LOG_FORMATS = ['json', 'pretty'] as const
export type LogFormat = (typeof LOG_FORMATS)[number]

export interface LogConfig {
  readonly logFormat: LogFormat
}

export function addLogOptions(command: Command): Command {
  return command.addOption(
    new Option('--log-format <format>', 'json|pretty (default: pretty when stdout is a terminal, else json)'),
  )
}

export function readLogOptions(
  options: Readonly<Record<string, unknown>>,
  label: (key: string, flag: string) => string,
  stdoutIsTty: boolean,
): LogConfig {
  const raw = options.logFormat
  if (raw === undefined) return { logFormat: stdoutIsTty ? 'pretty' : 'json' }
  const format = LOG_FORMATS.find((name) => name === raw)
  if (format === undefined)
    throw configError(`${label('logFormat', '--log-format')} must be json or pretty (got "${String(raw)}")`)
  return { logFormat: format }
}
