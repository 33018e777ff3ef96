// The mapping file reader: statsd_exporter files load as they are; typos fail with their line.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { readMappingFile } from './mapping-file.js'
import { mappingFrom } from './mapping-file.test-support.js'

function failure(yaml: string): string {
  try {
    mappingFrom(yaml)
  } catch (err) {
    return (err as Error).message
  }
  throw new Error('expected the mapping to be refused')
}

describe('mapping file', () => {
  it('reads statsd_exporter keys: defaults, ttl, help, buckets, honor_labels, actions', () => {
    const config = mappingFrom(`
defaults:
  match_type: glob
  ttl: 1m30s
  glob_disable_ordering: false
  histogram_options:
    buckets: [0.01, 0.1, 1]
mappings:
- match: api.*.*
  name: api
  help: API calls
  labels: { method: "$1", path: "$2" }
  histogram_options:
    buckets: [0.005, 0.05]
- match: job.*
  name: job
  ttl: 10s
  honor_labels: true
- match: noise.*
  action: drop
`)
    expect(config.rules).toHaveLength(3)
    expect(config.rules[0]?.settings).toEqual({ help: 'API calls', ttlMs: 90_000, bucketsSeconds: [0.005, 0.05] })
    expect(config.rules[1]?.settings).toEqual({ help: null, ttlMs: 10_000, bucketsSeconds: [0.01, 0.1, 1] })
    expect(config.rules[1]?.honorLabels).toBe(true)
    expect(config.rules[2]?.action).toBe('drop')
    expect(config.rules.map((r) => r.line)).toEqual([9, 15, 19])
    expect(config.warnings).toEqual([])
  })

  it('accepts keys without meaning here, warning once each with its line', () => {
    const config = mappingFrom(`mappings:
- match: a.*
  name: a
  observer_type: summary
  summary_options: { max_age: 30s }
  quantiles: [{ quantile: 0.5, error: 0.05 }]
  scale: 0.001
  labels: { job: "$1" }
`)
    expect(config.warnings).toEqual([
      'mapping.yml:4: observer_type: summary is ignored: latency is always an HdrHistogram with task_duration_seconds buckets',
      'mapping.yml:5: summary_options is ignored: summaries are not made here: quantiles come from the HdrHistogram',
      'mapping.yml:6: quantiles is ignored: summaries are not made here: quantiles come from the HdrHistogram',
      'mapping.yml:7: scale is ignored: values are kept as sent',
      'mapping.yml:8: label job is ignored: the agent sets job itself; it is shown as tag_job',
    ])
  })

  it.each([
    ['mappings:\n- match: a.*\n  name: a\n  lables: { x: y }\n', 'mapping.yml:4: unknown key lables in a mapping'],
    ['mappings:\n- match: a.*\n', 'mapping.yml:2: the mapping of a.* needs name: (or action: drop)'],
    ['mappings:\n- name: a\n', 'mapping.yml:2: a mapping needs match:'],
    ['mappings:\n- match: bad!!line.*\n  name: a\n', 'mapping.yml:2: match bad!!line.* is not a glob'],
    ['mappings:\n- match: "a.(["\n  match_type: regex\n  name: a\n', 'mapping.yml:2: match a.([ is not a regular'],
    ['mappings:\n- match: a.*\n  name: a-b\n', 'mapping.yml:3: name a-b must be'],
    ['mappings:\n- match: a.*\n  name: a\n  ttl: soon\n', 'mapping.yml:4: ttl must be a duration'],
    [
      'mappings:\n- match: a.*\n  name: a\n  action: keep\n',
      'mapping.yml:4: action must be one of map, drop, not keep',
    ],
    [
      'mappings:\n- match: a.*\n  name: a\n  match_metric_type: timer\n',
      'mapping.yml:4: match_metric_type must be one of',
    ],
    ['mappings:\n- match: a.*\n  name: a\n  labels: { "1x": v }\n', 'mapping.yml:4: label name 1x must match'],
    ['mappings:\n- match: a.*\n  name: a\n  buckets: [1, 0.5]\n', 'mapping.yml:4: buckets must be ascending'],
    ['defaults:\n  orderless: true\n', 'mapping.yml:2: unknown key orderless in defaults'],
    ['mappings:\n- match: a.*\n  name: a\n  name: b\n', 'mapping.yml:4: '],
    ['mappings:\n  - match: [a\n', 'mapping.yml:'],
  ])('refuses %j with its line', (yaml, message) => {
    expect(failure(yaml)).toContain(message)
  })

  it('reads a file by path and names it in errors', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mapping-'))
    const file = path.join(dir, 'statsd.rules')
    writeFileSync(file, 'mappings:\n- match: a.*\n  name: a\nextra: 1\n')
    expect(() => readMappingFile(file)).toThrow(`${file}:4: unknown key extra at the top of a mapping file`)
    expect(() => readMappingFile(path.join(dir, 'missing.yml'))).toThrow('cannot read it (ENOENT)')
    writeFileSync(file, 'mappings:\n- match: a.*\n  name: a\n')
    expect(readMappingFile(file).rules).toHaveLength(1)
  })
})
