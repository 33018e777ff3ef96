// --config FILE and TASKMETER_* env: flag > env > file > default, lists and booleans from each,
// and every bad value named where it was written (file:line for the file).
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { type Config, ENV_NAMES, loadConfig } from './load-config.js'

const dir = mkdtempSync(path.join(tmpdir(), 'taskmeter-config-'))
let files = 0

function configFile(yaml: string): string {
  const file = path.join(dir, `agent-${files++}.yml`)
  writeFileSync(file, yaml)
  return file
}

function load(argv: string[], env: Record<string, string> = {}): Config {
  const config = loadConfig(argv, env, () => {})
  if (config === null) throw new Error('--help printed')
  return config
}

function refusal(argv: string[], env: Record<string, string> = {}): string {
  try {
    load(argv, env)
  } catch (err) {
    return (err as Error).message
  }
  throw new Error('expected a refusal')
}

describe('--config file', () => {
  const file = configFile(`# every flag by its name
udp-port: 9125
window: 30
max-series: 500
demo: true
remote-write: [http://a:9090/api/v1/write, http://b:9090/api/v1/write]
label: env=prod
`)

  it('sets flags by name, lists and booleans included', () => {
    const config = load(['--config', file])
    expect(config).toMatchObject({ udpPort: 9125, windowSeconds: 30, maxSeries: 500, demo: true, configPath: file })
    expect(config.remoteWrite.urls).toEqual(['http://a:9090/api/v1/write', 'http://b:9090/api/v1/write'])
    expect(config.remoteWrite.labels).toEqual([['env', 'prod']])
    expect(load(['--config', file]).port).toBe(3000) // not in the file: the default
  })

  it('loses to env, and env loses to the flag, lists too', () => {
    expect(load(['--config', file], { TASKMETER_WINDOW: '20' }).windowSeconds).toBe(20)
    expect(load(['--config', file, '--window', '10'], { TASKMETER_WINDOW: '20' }).windowSeconds).toBe(10)
    expect(load(['--config', file], { TASKMETER_DEMO: 'false' }).demo).toBe(false)
    const flagged = load(['--config', file, '--remote-write', 'http://c:9090/api/v1/write'])
    expect(flagged.remoteWrite.urls).toEqual(['http://c:9090/api/v1/write'])
  })

  it('is found through TASKMETER_CONFIG too', () => {
    expect(load([], { TASKMETER_CONFIG: file }).udpPort).toBe(9125)
  })

  it('holds the mapping rules, but not beside --mapping-config', () => {
    const withRules = configFile('mappings:\n- match: a.*\n  name: a\nmapping-defaults:\n  ttl: 1m\n')
    const config = load(['--config', withRules])
    expect(config.mapping?.rules).toHaveLength(1)
    expect(config.mapping?.rules[0]?.settings.ttlMs).toBe(60_000)
    const rules = configFile('mappings: []\n')
    expect(refusal(['--config', withRules, '--mapping-config', rules])).toContain('keep one of them')
  })

  it.each([
    ['udp-port: 8125\nwindw: 30\n', ':2: unknown key windw: keys are flag names without --'],
    ['port: http\n', ':1: port must be'],
    ['demo: maybe\n', ':1: demo must be true or false'],
    ['config: other.yml\n', ':1: unknown key config'],
    ['window: [1, 2]\n', ':1: window must be a single value'],
    ['udp-port: 1\nudp-port: 2\n', ':2: '],
    ['statsd-tag-formats: dogstatsd,influx\n', ':1: statsd-tag-formats has unknown format "influx"'],
  ])('refuses %j with file:line', (yaml, message) => {
    const bad = configFile(yaml)
    const text = refusal(['--config', bad])
    expect(text.startsWith(`${bad}:`)).toBe(true)
    expect(text).toContain(message)
  })

  it('reads --statsd-tag-formats, and a bad entry names the flag', () => {
    expect(load(['--statsd-tag-formats', 'librato, dogstatsd']).statsdTagFormats).toEqual(['dogstatsd', 'librato'])
    expect(
      refusal(['--statsd-tag-formats', 'dogstatsd,']).startsWith('config: --statsd-tag-formats has an empty entry'),
    ).toBe(true)
  })

  it('names an unreadable file', () => {
    expect(refusal(['--config', path.join(dir, 'missing.yml')])).toContain('cannot read it (ENOENT)')
  })
})

describe('TASKMETER_* env', () => {
  it('gives every flag an env name, and the old names stay aliases that lose to it', () => {
    expect(ENV_NAMES).toContain('TASKMETER_MAX_SERIES')
    expect(ENV_NAMES).toContain('TASKMETER_MAPPING_CONFIG')
    expect(ENV_NAMES).toContain('METRICS_PORT')
    expect(load([], { TASKMETER_MAX_SERIES: '700' }).maxSeries).toBe(700)
    expect(load([], { METRICS_PORT: '9000' }).port).toBe(9000)
    expect(load([], { METRICS_PORT: '9000', TASKMETER_PORT: '9001' }).port).toBe(9001)
    expect(load([], { TASKMETER_DEMO: 'yes' }).demo).toBe(true)
  })

  it('names the env variable of a bad value', () => {
    expect(refusal([], { TASKMETER_MAX_SERIES: 'lots' })).toContain('--max-series (from TASKMETER_MAX_SERIES)')
    expect(refusal([], { WINDOW_SIZE: 'abc' })).toContain('--window (from WINDOW_SIZE)')
    expect(refusal([], { TASKMETER_DEMO: 'maybe' })).toContain('TASKMETER_DEMO=maybe: --demo takes true or false')
  })
})
