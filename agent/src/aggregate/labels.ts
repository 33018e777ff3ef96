// Label identity for series: tag keys sanitized to Prometheus' label charset, reserved names
// renamed, pairs sorted, so that {b:1,a:2} and {a:2,b:1} are one series.

export type LabelPairs = ReadonlyArray<readonly [string, string]>

const RESERVED_LABELS = new Set(['task', 'status', 'le', 'quantile', 'job', 'instance'])

/** Prometheus label name charset [a-zA-Z_][a-zA-Z0-9_]*; names starting "__" are reserved. */
export function sanitizeLabelName(key: string): string {
  let out = key.replace(/[^a-zA-Z0-9_]/g, '_')
  if (/^[0-9]/.test(out)) out = '_' + out
  if (out.startsWith('__')) out = 'tag' + out
  return RESERVED_LABELS.has(out) ? 'tag_' + out : out
}

/** Metric name charset [a-zA-Z_:][a-zA-Z0-9_:]*. */
export function sanitizeMetricName(name: string): string {
  let out = name.replace(/[^a-zA-Z0-9_:]/g, '_')
  if (/^[0-9]/.test(out)) out = '_' + out
  return out
}

export function canonicalLabels(pairs: ReadonlyArray<readonly [string, string]>): LabelPairs {
  const byName = new Map<string, string>()
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i] as readonly [string, string]
    byName.set(sanitizeLabelName(pair[0]), pair[1])
  }
  return [...byName.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
}

/** A stable text key for a name + canonical labels (also the /dashboard key of a tagged task). */
export function seriesId(name: string, labels: LabelPairs): string {
  if (labels.length === 0) return name
  let id = name + '{'
  for (let i = 0; i < labels.length; i++) {
    const pair = labels[i] as readonly [string, string]
    id += (i > 0 ? ',' : '') + pair[0] + '=' + JSON.stringify(pair[1])
  }
  return id + '}'
}
