// Reads statsd_exporter's mapping file format into a MappingConfig: `mappings:` (rules, first match
// wins) and `defaults:`. Keys statsd_exporter knows but that mean nothing here (summaries, scale,
// native-histogram tuning) are accepted and warned about once, with their line; any other key is an
// error with its line, so a typo never silently maps nothing.
import { sanitizeLabelName } from '../aggregate/labels.js'
import {
  MAPPING_METRIC_TYPES,
  type MappedSettings,
  type MappingConfig,
  type MappingMetricType,
  type MappingRule,
} from '../mapping/mapping-rules.js'
import { type NameTemplate, compileTemplate } from '../mapping/name-template.js'
import { parseGoDurationMs } from './go-duration.js'
import { regexFromGo } from './go-regex.js'
import { readFileSync } from 'node:fs'
import { configError } from './taskmeter-error.js'
import { YamlFile } from './yaml-fields.js'

// statsd_exporter's rules for a glob `match` and a mapped `name` (templates allowed in names).
const GLOB_MATCH = /^(\*|[a-zA-Z_][a-zA-Z0-9_-]*)(\.\*|\.[a-zA-Z0-9_][a-zA-Z0-9_-]*)*$/
const TEMPLATE_REF = String.raw`\$\{?[a-zA-Z0-9_]+\}?`
const MAPPED_NAME = new RegExp(`^([a-zA-Z_]|${TEMPLATE_REF})([a-zA-Z0-9_]|${TEMPLATE_REF})*$`)
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/

const IGNORED: Readonly<Record<string, string>> = {
  summary_options: 'summaries are not made here: quantiles come from the HdrHistogram',
  quantiles: 'summaries are not made here: quantiles come from the HdrHistogram',
  scale: 'values are kept as sent',
  native_histogram_bucket_factor: 'native histograms follow --native-histograms',
  native_histogram_max_buckets: 'native histograms follow --native-histograms',
  max_summary_age: 'summaries are not made here',
  summary_age_buckets: 'summaries are not made here',
}

interface Defaults {
  matchType: 'glob' | 'regex'
  ttlMs: number | null
  bucketsSeconds: readonly number[] | null
  globOrderingDisabled: boolean
}

/** Reads `mappings:` and `defaults:` from the top of a mapping file (or of --config's keys). */
export class MappingReader {
  private readonly file: YamlFile
  private readonly warnings: string[] = []

  constructor(file: YamlFile) {
    this.file = file
  }

  read(mappingsNode: unknown, defaultsNode: unknown): MappingConfig {
    const defaults = this.defaults(defaultsNode)
    const rules: MappingRule[] = []
    for (const item of this.file.items(mappingsNode, 'mappings')) rules.push(this.rule(item, rules.length, defaults))
    return {
      rules,
      globOrderingDisabled: defaults.globOrderingDisabled,
      source: this.file.path,
      warnings: this.warnings,
    }
  }

  private warn(line: number, key: string, why: string): void {
    this.warnings.push(`${this.file.path}:${line}: ${key} is ignored: ${why}`)
  }

  private defaults(node: unknown): Defaults {
    const file = this.file
    const out: Defaults = { matchType: 'glob', ttlMs: null, bucketsSeconds: null, globOrderingDisabled: false }
    for (const { key, line, value } of file.entries(node, 'defaults')) {
      if (key === 'match_type') out.matchType = this.matchType(value)
      else if (key === 'ttl') out.ttlMs = this.ttl(value)
      else if (key === 'glob_disable_ordering') out.globOrderingDisabled = file.bool(value, key)
      else if (key === 'histogram_options') out.bucketsSeconds = this.histogramOptions(value)
      else if (key === 'buckets') out.bucketsSeconds = this.buckets(value)
      else if (key === 'observer_type' || key === 'timer_type') this.observerType(value, line, key)
      else if (key in IGNORED) this.warn(line, key, IGNORED[key] ?? '')
      else
        file.fail(
          value ?? node,
          `unknown key ${key} in defaults (known: match_type, ttl, glob_disable_ordering, observer_type, histogram_options)`,
        )
    }
    return out
  }

  private rule(node: unknown, index: number, defaults: Defaults): MappingRule {
    const file = this.file
    let match: string | null = null
    let matchNode: unknown = node
    let matchType = defaults.matchType
    let name: NameTemplate | null = null
    let nameNode: unknown = node
    let action: 'map' | 'drop' = 'map'
    let metricType: MappingMetricType | null = null
    let honorLabels = false
    let ttlMs = defaults.ttlMs
    let help: string | null = null
    let bucketsSeconds = defaults.bucketsSeconds
    const labels: Array<readonly [string, NameTemplate]> = []
    for (const { key, line, value } of file.entries(node, 'a mapping')) {
      if (key === 'match') {
        match = file.text(value, 'match')
        matchNode = value
      } else if (key === 'name') {
        name = compileTemplate(file.text(value, 'name'))
        nameNode = value
      } else if (key === 'labels') {
        for (const label of file.entries(value, 'labels')) {
          if (!LABEL_NAME.test(label.key) || label.key.startsWith('__'))
            file.fail(label.value, `label name ${label.key} must match [a-zA-Z_][a-zA-Z0-9_]* and not start with __`)
          if (sanitizeLabelName(label.key) !== label.key)
            this.warn(
              label.line,
              `label ${label.key}`,
              `the agent sets ${label.key} itself; it is shown as ${sanitizeLabelName(label.key)}`,
            )
          labels.push([label.key, compileTemplate(file.text(label.value, `label ${label.key}`))])
        }
      } else if (key === 'match_type') matchType = this.matchType(value)
      else if (key === 'action') action = this.choice(value, key, ['map', 'drop'])
      else if (key === 'match_metric_type') metricType = this.choice(value, key, MAPPING_METRIC_TYPES)
      else if (key === 'honor_labels') honorLabels = file.bool(value, key)
      else if (key === 'ttl') ttlMs = this.ttl(value)
      else if (key === 'help') help = file.text(value, key)
      else if (key === 'histogram_options') bucketsSeconds = this.histogramOptions(value) ?? bucketsSeconds
      else if (key === 'buckets') bucketsSeconds = this.buckets(value)
      else if (key === 'observer_type' || key === 'timer_type') this.observerType(value, line, key)
      else if (key in IGNORED) this.warn(line, key, IGNORED[key] ?? '')
      else
        file.fail(
          value ?? node,
          `unknown key ${key} in a mapping (known: match, name, labels, match_type, action, match_metric_type, honor_labels, ttl, help, histogram_options)`,
        )
    }
    if (match === null || match === '') return file.fail(node, 'a mapping needs match:')
    if (action === 'map' && name === null)
      return file.fail(node, `the mapping of ${match} needs name: (or action: drop)`)
    if (name !== null && !MAPPED_NAME.test(name.text))
      file.fail(nameNode, `name ${name.text} must be [a-zA-Z_][a-zA-Z0-9_]*, with $1 or \${1} for captures`)
    let regex: RegExp | null = null
    if (matchType === 'glob') {
      if (!GLOB_MATCH.test(match)) file.fail(matchNode, `match ${match} is not a glob of dot-separated words and *`)
    } else {
      regex = regexFromGo(match)
      if (regex === null) file.fail(matchNode, `match ${match} is not a regular expression`)
    }
    const settings: MappedSettings = Object.freeze({ help, ttlMs, bucketsSeconds })
    return {
      index,
      line: file.lineOf(node),
      match,
      matchType,
      regex,
      metricType,
      action,
      name,
      labels,
      honorLabels,
      settings,
    }
  }

  private matchType(node: unknown): 'glob' | 'regex' {
    return this.choice(node, 'match_type', ['glob', 'regex'])
  }

  private choice<T extends string>(node: unknown, key: string, choices: readonly T[]): T {
    const value = this.file.text(node, key)
    if ((choices as readonly string[]).includes(value)) return value as T
    return this.file.fail(node, `${key} must be one of ${choices.join(', ')}, not ${value}`)
  }

  private ttl(node: unknown): number {
    const ms = parseGoDurationMs(this.file.text(node, 'ttl'))
    if (ms === null) return this.file.fail(node, 'ttl must be a duration like 90s, 10m or 1h')
    return ms
  }

  private observerType(node: unknown, line: number, key: string): void {
    const value = this.choice(node, key, ['histogram', 'summary', ''])
    if (value === 'summary')
      this.warn(line, `${key}: summary`, 'latency is always an HdrHistogram with task_duration_seconds buckets')
  }

  private histogramOptions(node: unknown): readonly number[] | null {
    let buckets: readonly number[] | null = null
    for (const { key, line, value } of this.file.entries(node, 'histogram_options')) {
      if (key === 'buckets') buckets = this.buckets(value)
      else if (key in IGNORED) this.warn(line, key, IGNORED[key] ?? '')
      else this.file.fail(value, `unknown key ${key} in histogram_options (known: buckets)`)
    }
    return buckets
  }

  private buckets(node: unknown): readonly number[] {
    const bounds = this.file.numbers(node, 'buckets')
    for (let i = 0; i < bounds.length; i++)
      if (!((bounds[i] ?? 0) > 0) || (i > 0 && (bounds[i] ?? 0) <= (bounds[i - 1] ?? 0)))
        this.file.fail(node, 'buckets must be ascending positive seconds, e.g. [0.01, 0.1, 1]')
    if (bounds.length === 0) this.file.fail(node, 'buckets must list at least one bound')
    return Object.freeze(bounds)
  }
}

/** Reads a mapping file (--mapping-config): `mappings:` and `defaults:`, nothing else. */
export function readMappingFile(path: string): MappingConfig {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw configError(`--mapping-config ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  const file = new YamlFile(path, text)
  let mappings: unknown = null
  let defaults: unknown = null
  for (const { key, value } of file.entries(file.root, 'a mapping file')) {
    if (key === 'mappings') mappings = value
    else if (key === 'defaults') defaults = value
    else file.fail(value, `unknown key ${key} at the top of a mapping file (known: mappings, defaults)`)
  }
  return new MappingReader(file).read(mappings, defaults)
}
