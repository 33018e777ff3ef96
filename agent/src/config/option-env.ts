// Every flag can also come from the environment, as TASKMETER_<FLAG> (--udp-port →
// TASKMETER_UDP_PORT), which a container spec or a ConfigMap's envFrom sets without a shell. The
// first env names the agent read stay as aliases (a TASKMETER_ name wins over its alias). --help
// shows each flag's env name; the CLI's own --help and --version have none. The values are set
// here, not by commander's own env support: that one is wired when an option is added, takes any
// value of a boolean's variable as true, and knows one name per option.
import type { Command, Option } from 'commander'

export const ENV_ALIASES: Readonly<Record<string, string>> = {
  '--port': 'METRICS_PORT',
  '--udp-port': 'UDP_PORT',
  '--window': 'WINDOW_SIZE',
  '--precision': 'LATENCY_PRECISION',
  '--log-level': 'LOG_LEVEL',
  '--prometheus-url': 'PROMETHEUS_URL',
  '--metrics-auth': 'METRICS_AUTH',
  '--remote-write-bearer-token': 'REMOTE_WRITE_BEARER_TOKEN',
  '--remote-write-basic-auth': 'REMOTE_WRITE_BASIC_AUTH',
}

const NO_ENV = new Set(['--help', '--version'])
const TRUE_WORDS = new Set(['true', '1', 'yes', 'on'])
const FALSE_WORDS = new Set(['false', '0', 'no', 'off', ''])

export function envNameOf(long: string): string {
  return 'TASKMETER_' + long.replace(/^--/, '').replace(/-/g, '_').toUpperCase()
}

function configurable(command: Command): Option[] {
  return command.options.filter((option) => option.long !== undefined && !NO_ENV.has(option.long))
}

/** Gives every flag its env name (shown by --help), its alias named in its description. */
export function attachEnvNames(command: Command): void {
  for (const option of configurable(command)) {
    const long = option.long as string
    option.env(envNameOf(long))
    const alias = ENV_ALIASES[long]
    if (alias !== undefined) option.description += ` [or env ${alias}]`
  }
}

/** Every env name the flags read, aliases included (tests clear them for child agents). */
export function envNamesOf(command: Command): string[] {
  const names: string[] = []
  for (const option of configurable(command)) names.push(envNameOf(option.long as string))
  names.push(...Object.values(ENV_ALIASES))
  return names
}

/**
 * Sets every flag the env gives on `command` (source 'env', over a config file's), before argv is
 * parsed. Returns the env name behind each value (by attribute name), for messages. A boolean's
 * value must be a yes or a no word; repeatable flags (`repeatable`) get a one-item list.
 */
export function applyFlagEnv(
  command: Command,
  env: Readonly<Record<string, string | undefined>>,
  repeatable: ReadonlySet<string>,
  fail: (message: string) => never,
): Map<string, string> {
  const names = new Map<string, string>()
  for (const option of configurable(command)) {
    const long = option.long as string
    const canonical = envNameOf(long)
    const alias = ENV_ALIASES[long]
    const name =
      env[canonical] !== undefined ? canonical : alias !== undefined && env[alias] !== undefined ? alias : null
    if (name === null) continue
    const value = env[name] ?? ''
    const key = option.attributeName()
    names.set(key, name)
    let set: string | boolean | string[] = value
    if (option.isBoolean()) {
      const word = value.trim().toLowerCase()
      if (!TRUE_WORDS.has(word) && !FALSE_WORDS.has(word)) fail(`${name}=${value}: ${long} takes true or false`)
      set = TRUE_WORDS.has(word)
    } else if (repeatable.has(long)) set = [value]
    command.setOptionValueWithSource(key, set, 'env')
  }
  return names
}
