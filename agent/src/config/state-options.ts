// Flags for state that survives restarts: where the agent keeps its series between runs, how often
// it writes them, and what it does with a file from other flags (docs/state-file.md).
import { type Command, Option } from 'commander'
import { parseInteger } from './parse-values.js'
import { configError } from './taskmeter-error.js'

export interface StateConfig {
  /** --state-file: read at start, written every --state-interval and at shutdown; null = none. */
  readonly stateFile: string | null
  /** --state-interval: seconds between writes; 0 = only at shutdown. */
  readonly stateIntervalSeconds: number
  /** --state-discard-incompatible: a file from another --precision/--window/--buckets is ignored, not refused. */
  readonly stateDiscardIncompatible: boolean
}

export function addStateOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--state-file <path>',
        'keep series across restarts: read at start, written atomically every --state-interval and at shutdown',
      ),
    )
    .addOption(
      new Option('--state-interval <s>', 'seconds between --state-file writes (0 = only at shutdown)').default('30'),
    )
    .addOption(
      new Option(
        '--state-discard-incompatible',
        'start fresh when --state-file was written with another --precision, --window or --buckets',
      ).default(false),
    )
}

export function readStateOptions(
  options: Readonly<Record<string, unknown>>,
  label: (key: string, flag: string) => string,
): StateConfig {
  const stateFile = typeof options.stateFile === 'string' ? options.stateFile : null
  if (stateFile !== null && stateFile.trim() === '')
    throw configError(`${label('stateFile', '--state-file')} must be a file path (got "")`)
  return {
    stateFile,
    stateIntervalSeconds: parseInteger(
      label('stateInterval', '--state-interval'),
      String(options.stateInterval),
      0,
      86_400,
    ),
    stateDiscardIncompatible: options.stateDiscardIncompatible === true,
  }
}
