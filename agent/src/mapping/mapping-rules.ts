// What a mapping file holds once read and checked: rules in file order, each compiled (its glob in
// the trie, its regex built, its templates parsed). The file format is statsd_exporter's, so an
// existing mapping file works as it is (mapping-file.ts reads it).
import type { NameTemplate } from './name-template.js'

/** statsd_exporter's `match_metric_type`: timers, histograms and distributions are observers. */
export type MappingMetricType = 'counter' | 'gauge' | 'observer'
export const MAPPING_METRIC_TYPES: readonly MappingMetricType[] = ['counter', 'gauge', 'observer']

export type MappingAction = 'map' | 'drop'

/** What a mapped series carries into the aggregate (per rule, shared by its series). */
export interface MappedSettings {
  /** `help:` of the rule: the HELP line of the custom family it names (null = the default). */
  readonly help: string | null
  /** `ttl:` in ms: the series is evicted after this long without an event (null = --ttl). */
  readonly ttlMs: number | null
  /** `histogram_options.buckets`: this task's task_duration_seconds `le` bounds (null = --buckets). */
  readonly bucketsSeconds: readonly number[] | null
}

export interface MappingRule {
  /** Position in the file, from 0; the first matching rule wins (unless glob ordering is off). */
  readonly index: number
  /** 1-based line of the rule in its file, for messages. */
  readonly line: number
  readonly match: string
  readonly matchType: 'glob' | 'regex'
  /** Built for regex rules; null for globs (they live in the trie). */
  readonly regex: RegExp | null
  readonly metricType: MappingMetricType | null
  readonly action: MappingAction
  readonly name: NameTemplate | null
  /** Label name → value template, in file order. */
  readonly labels: ReadonlyArray<readonly [string, NameTemplate]>
  /** `honor_labels: true`: a tag the line sends wins over the rule's label of that name. */
  readonly honorLabels: boolean
  readonly settings: MappedSettings
}

export interface MappingConfig {
  readonly rules: readonly MappingRule[]
  readonly globOrderingDisabled: boolean
  /** Where the rules came from (a file path), for messages. */
  readonly source: string
  /** Keys accepted but without meaning here, one message each (file:line: …), for the load log. */
  readonly warnings: readonly string[]
}
