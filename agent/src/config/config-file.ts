// --config FILE: every flag by its flag name (`udp-port: 8125`, `remote-write: [url, …]`), plus the
// mapping rules (`mappings:`, `mapping-defaults:`) so one ConfigMap can hold everything. Values
// are handed to commander as the 'config' source: a flag or env variable given too wins over the
// file. Unknown keys are errors with their line.
import { readFileSync } from 'node:fs'
import type { Command, Option } from 'commander'
import { configError } from './taskmeter-error.js'
import { YamlFile } from './yaml-fields.js'

/** Flags that repeat (commander argParser collects them): a list in the file. */
export const REPEATABLE: ReadonlySet<string> = new Set(['--remote-write', '--label'])
/** Flags that make no sense in a file: it cannot name itself, and modes are per run. */
const NOT_IN_FILE = new Set(['--config', '--check-config', '--help', '--version'])

export interface ConfigFile {
  readonly file: YamlFile
  /** Line of each value the file set, by option attribute name. */
  readonly lines: Map<string, number>
  readonly mappings: unknown
  readonly mappingDefaults: unknown
}

export function readConfigText(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (err) {
    throw configError(`--config ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
  }
}

/** Reads the file and sets its values on `command` as source 'config' (before argv is parsed). */
export function applyConfigFile(command: Command, path: string, text: string): ConfigFile {
  const file: YamlFile = new YamlFile(path, text)
  const byLong = new Map<string, Option>()
  for (const option of command.options) if (option.long !== undefined) byLong.set(option.long, option)
  const lines = new Map<string, number>()
  let mappings: unknown = null
  let mappingDefaults: unknown = null
  for (const { key, line, value } of file.entries(file.root, 'a config file')) {
    if (key === 'mappings') {
      mappings = value
      continue
    }
    if (key === 'mapping-defaults') {
      mappingDefaults = value
      continue
    }
    const long = `--${key}`
    const option = byLong.get(long)
    if (option === undefined || NOT_IN_FILE.has(long))
      file.fail(value, `unknown key ${key}: keys are flag names without -- (see taskmeter-agent --help), or mappings`)
    const name = option.attributeName()
    let set: string | boolean | string[]
    if (option.isBoolean()) set = file.bool(value, key)
    else if (REPEATABLE.has(long)) {
      const items = Array.isArray((value as { items?: unknown[] } | null)?.items)
        ? file.items(value, key).map((item) => file.text(item, key))
        : [file.text(value, key)]
      set = items
    } else set = file.text(value, key)
    command.setOptionValueWithSource(name, set, 'config')
    lines.set(name, line)
  }
  return { file, lines, mappings, mappingDefaults }
}

/** How many items each repeatable flag holds before argv is parsed (from env or the file). */
export function listLengths(command: Command): Map<string, number> {
  const lengths = new Map<string, number>()
  for (const option of command.options) {
    const value = command.getOptionValue(option.attributeName())
    if (Array.isArray(value)) lengths.set(option.attributeName(), value.length)
  }
  return lengths
}

/**
 * A repeatable flag given on the command line replaces the env's or file's values instead of
 * adding to them (commander appends to what is there): the flag wins for lists too.
 */
export function keepOnlyFlagItems(command: Command, before: ReadonlyMap<string, number>): void {
  for (const [name, count] of before) {
    const value = command.getOptionValue(name)
    if (Array.isArray(value) && command.getOptionValueSource(name) === 'cli' && value.length > count)
      command.setOptionValueWithSource(name, value.slice(count), 'cli')
  }
}
