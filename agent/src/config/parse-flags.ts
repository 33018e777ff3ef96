// One parse of the agent's flags from their three sources, in commander: a --config file's values
// first (source 'config'), then env (TASKMETER_* and the old aliases), then argv. So a flag beats
// its env variable, which beats the file, which beats the default. Returns who set what, so that a
// bad value's message names the flag, the env variable or the file and line where it was written.
import { type Command, CommanderError } from 'commander'
import {
  type ConfigFile,
  REPEATABLE,
  applyConfigFile,
  keepOnlyFlagItems,
  listLengths,
  readConfigText,
} from './config-file.js'
import { applyFlagEnv } from './option-env.js'
import { configError } from './taskmeter-error.js'

export type Env = Readonly<Record<string, string | undefined>>

export interface ParsedFlags {
  readonly command: Command
  readonly options: Record<string, string | boolean | string[] | undefined>
  /** The --config file, when one was given. */
  readonly configFile: ConfigFile | null
  /** `flag` as a message should name it: `--port (from METRICS_PORT)`, `file.yml:3: port`, `--port`. */
  label(key: string, flag: string): string
}

/** Parses once; null when --help or --version printed (their text goes to writeOut). */
function parseOnce(
  command: Command,
  argv: readonly string[],
  env: Env,
  config: { path: string; text: string } | null,
  writeOut: (text: string) => void,
): ParsedFlags | null {
  command.exitOverride()
  command.configureOutput({ writeOut, writeErr: () => {} })
  const configFile = config === null ? null : applyConfigFile(command, config.path, config.text)
  const envNames = applyFlagEnv(command, env, REPEATABLE, (message) => {
    throw configError(message)
  })
  const before = listLengths(command)
  try {
    command.parse([...argv], { from: 'user' })
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version')
        return null
      throw configError(`${err.message.replace(/^error: /, '')} (see --help)`)
    }
    throw err
  }
  keepOnlyFlagItems(command, before)
  return {
    command,
    options: command.opts(),
    configFile,
    label(key, flag) {
      const source = command.getOptionValueSource(key)
      if (source === 'env') return `${flag} (from ${envNames.get(key) ?? 'env'})`
      const line = configFile?.lines.get(key)
      if (source === 'config' && configFile !== null && line !== undefined)
        return `${configFile.file.path}:${line}: ${flag.replace(/^--/, '')}`
      return flag
    },
  }
}

/** Parses argv + env, and the --config file they name (TASKMETER_CONFIG too). */
export function parseFlags(
  buildCommand: () => Command,
  argv: readonly string[],
  env: Env,
  writeOut: (text: string) => void,
): ParsedFlags | null {
  const first = parseOnce(buildCommand(), argv, env, null, writeOut)
  if (first === null) return null
  const path = first.options.config
  if (typeof path !== 'string') return first
  return parseOnce(buildCommand(), argv, env, { path, text: readConfigText(path) }, writeOut)
}
