// Maps a StatsD name (and its type) to the name and labels a mapping file gives it. Glob rules are
// looked up in one trie; regex rules, in file order, only when no glob rule matched (as
// statsd_exporter does). A lookup builds strings, so the decode stage calls it once per new series
// and keeps the result with the series it resolved.
import { GlobTrie } from './glob-trie.js'
import type { MappedSettings, MappingConfig, MappingMetricType, MappingRule } from './mapping-rules.js'
import { type NameTemplate, expandTemplate } from './name-template.js'

export type TagPairs = ReadonlyArray<readonly [string, string]>

export interface MappedName {
  readonly action: 'map' | 'drop'
  readonly name: string
  /** The rule's labels merged with the line's tags (honor_labels decides who wins a key). */
  readonly labels: Array<[string, string]>
  readonly settings: MappedSettings
}

export class MetricMapper {
  readonly config: MappingConfig
  private readonly trie: GlobTrie
  private readonly globs: readonly MappingRule[]
  private readonly regexes: readonly MappingRule[]

  constructor(config: MappingConfig) {
    this.config = config
    this.trie = new GlobTrie(config.globOrderingDisabled)
    const globs: MappingRule[] = []
    const regexes: MappingRule[] = []
    for (const rule of config.rules) {
      if (rule.matchType === 'regex') {
        regexes.push(rule)
        continue
      }
      this.trie.add(globs.length, rule.match, rule.metricType)
      globs.push(rule)
    }
    this.globs = globs
    this.regexes = regexes
  }

  /** The mapping of `name` sent as `type` with `tags`, or null when no rule matches. */
  map(name: string, type: MappingMetricType, tags: TagPairs | null): MappedName | null {
    const glob = this.globs.length === 0 ? null : this.trie.match(name, type)
    if (glob !== null) return outcome(this.globs[glob.rule] as MappingRule, name, glob.captures, undefined, tags)
    for (const rule of this.regexes) {
      if (rule.metricType !== null && rule.metricType !== type) continue
      const found = (rule.regex as RegExp).exec(name)
      if (found === null) continue
      return outcome(rule, name, found.slice(1), found.groups, tags)
    }
    return null
  }
}

function outcome(
  rule: MappingRule,
  name: string,
  captures: readonly string[],
  groups: Record<string, string> | undefined,
  tags: TagPairs | null,
): MappedName {
  const expand = (template: NameTemplate | null): string =>
    template === null ? name : expandTemplate(template, captures, groups)
  const labels: Array<[string, string]> = []
  if (tags !== null) for (const [key, value] of tags) labels.push([key, value])
  for (const [key, template] of rule.labels) {
    const value = expand(template)
    const at = labels.findIndex(([k]) => k === key)
    if (at < 0) labels.push([key, value])
    else if (!rule.honorLabels) labels[at] = [key, value]
  }
  return { action: rule.action, name: expand(rule.name), labels, settings: rule.settings }
}
