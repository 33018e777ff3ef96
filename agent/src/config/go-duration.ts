// Durations as Go writes them (`ttl: 90s`, `1h30m`, `500ms`): mapping files come from
// statsd_exporter, a Go program, so its `ttl` values must read the same here.
const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
}

const PART = /([0-9]*\.?[0-9]+)(ns|us|µs|μs|ms|s|m|h)/y

/** Milliseconds of a Go duration string, or null when it is not one. `0` alone is allowed. */
export function parseGoDurationMs(text: string): number | null {
  if (text === '0') return 0
  if (text.length === 0) return null
  let total = 0
  PART.lastIndex = 0
  while (PART.lastIndex < text.length) {
    const at = PART.lastIndex
    const found = PART.exec(text)
    if (found === null || found.index !== at) return null
    total += Number(found[1]) * (UNIT_MS[found[2] ?? ''] ?? Number.NaN)
  }
  return Number.isFinite(total) ? total : null
}
