// Reads sample values out of a Prometheus text exposition (enough for assertions).
export function sampleValue(text: string, metric: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(metric)) continue
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (.+)$/.exec(line)
    if (match === null || match[1] !== metric) continue
    const found: Record<string, string> = {}
    for (const pair of (match[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      found[pair[1] as string] = pair[2] as string
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[4])
  }
  return undefined
}

/** The sum of a metric's samples over all its label sets (0 when there is none). */
export function sampleSum(text: string, metric: string): number {
  let sum = 0
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line)
    if (match !== null && match[1] === metric) sum += Number(match[3])
  }
  return sum
}
