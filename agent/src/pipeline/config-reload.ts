// SIGHUP and POST /-/reload: read --config and --mapping-config again. A file that does not load
// (a YAML error, an unknown key, a bad value) leaves the running config in force, logged and
// counted; a good one swaps the mapping rules (new series map by the new rules, series already made
// keep their figures) and the log level. Settings that shape sockets or state (ports, precision,
// workers, …) need a restart: a change to one is logged and the old value kept.
import { type Config, loadConfig } from '../config/load-config.js'
import type { Logger } from '../logger.js'
import type { SelfMetric } from '../self-metrics/self-metric.js'

/** Applied without a restart. */
const LIVE_KEYS = new Set<keyof Config>(['mapping', 'logLevel', 'configPath', 'checkConfig', 'mode', 'source'])
const RESULTS = ['success', 'failure'] as const

export interface ReloadTarget {
  /** The new rules for every decoder (each --workers shard reads the files itself). */
  applyMapping(config: Config): void
  setLogLevel(level: Config['logLevel']): void
}

export interface ReloadResult {
  readonly ok: boolean
  /** One line: what was applied, or why nothing was. */
  readonly message: string
}

export class ConfigReloader {
  private current: Config
  private readonly target: ReloadTarget
  private readonly logger: Logger
  private readonly counts = new Float64Array(RESULTS.length)
  private lastOk = 1
  private lastSuccessSeconds = Date.now() / 1000
  readonly selfMetrics: readonly SelfMetric[]

  constructor(config: Config, target: ReloadTarget, logger: Logger) {
    this.current = config
    this.target = target
    this.logger = logger
    this.selfMetrics = [
      {
        name: 'taskmeter_config_last_reload_successful',
        help: 'Whether the last config reload (SIGHUP, POST /-/reload) loaded (1) or was refused (0)',
        type: 'gauge',
        read: () => this.lastOk,
      },
      {
        name: 'taskmeter_config_last_reload_success_timestamp_seconds',
        help: 'When the config last loaded (start or reload), in Unix seconds',
        type: 'gauge',
        read: () => this.lastSuccessSeconds,
      },
      {
        name: 'taskmeter_config_reloads_total',
        help: 'Config reloads, by result',
        type: 'counter',
        label: { name: 'result', values: RESULTS },
        read: (i) => this.counts[i] ?? 0,
      },
    ]
  }

  reload(): ReloadResult {
    let next: Config | null
    try {
      next = loadConfig(this.current.source.argv, this.current.source.env, () => {})
    } catch (err) {
      return this.refused(err instanceof Error ? err.message : String(err))
    }
    if (next === null) return this.refused('the flags asked for --help or --version')
    const kept: string[] = []
    for (const key of Object.keys(next) as Array<keyof Config>) {
      if (LIVE_KEYS.has(key) || JSON.stringify(next[key]) === JSON.stringify(this.current[key])) continue
      kept.push(key)
    }
    if (kept.length > 0)
      this.logger.warn(
        { needs_restart: kept },
        'config reload: these settings change only with a restart; kept as they were',
      )
    for (const warning of next.mapping?.warnings ?? [])
      this.logger.warn({ mapping: warning }, 'mapping file key ignored')
    this.target.applyMapping(next)
    if (next.logLevel !== this.current.logLevel) this.target.setLogLevel(next.logLevel)
    // Keep the running values of what needs a restart, so that the next comparison is against them.
    this.current = { ...this.current, mapping: next.mapping, logLevel: next.logLevel }
    this.counts[0] = (this.counts[0] ?? 0) + 1
    this.lastOk = 1
    this.lastSuccessSeconds = Date.now() / 1000
    const rules = next.mapping?.rules.length ?? 0
    const message = `config reloaded: ${rules} mapping rules${kept.length > 0 ? `; needs a restart: ${kept.join(', ')}` : ''}`
    this.logger.info({ mapping_rules: rules }, 'config reloaded')
    return { ok: true, message }
  }

  private refused(reason: string): ReloadResult {
    this.counts[1] = (this.counts[1] ?? 0) + 1
    this.lastOk = 0
    this.logger.error({ reason }, 'config reload refused: the running config stays in force')
    return { ok: false, message: `config reload refused (the running config stays in force): ${reason}` }
  }
}
