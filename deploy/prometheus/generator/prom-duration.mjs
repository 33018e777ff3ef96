// Prometheus durations for the generated rules. Every window and `for` is held in seconds and
// written with the largest unit that divides it exactly (3d, 6h, 30m, 72m, 5s), which is both a
// valid PromQL range and a readable suffix for recording-rule names (ratio_rate30m).
const UNITS = [
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
]

/** 300 → "5m", 4320 → "72m", 0 → "0s". */
export function formatDuration(seconds) {
  if (!Number.isInteger(seconds) || seconds < 0) throw new Error(`not a whole number of seconds: ${seconds}`)
  if (seconds === 0) return '0s'
  for (const [unit, size] of UNITS) if (seconds % size === 0) return `${seconds / size}${unit}`
  throw new Error('unreachable: every integer is a multiple of 1 s')
}

/**
 * --test-windows turns hours into minutes and minutes into seconds (÷ 60), so that a burn-rate
 * alert can fire within a minute of traffic against a Prometheus that scrapes and evaluates every
 * second. The shortest window, 5m, becomes 5s: still five scrapes at a 1 s interval.
 */
export function windowScaler(testWindows) {
  return testWindows ? (seconds) => seconds / 60 : (seconds) => seconds
}
