// The one xorshift32 generator of the repository, shared by bench/ (plain JS, run with node) and
// test/ (TypeScript, typed by seeded-random.d.mts beside this file): the same values on every run,
// so benchmark figures compare across commits and failing test inputs replay.

/** The raw xorshift32 sequence: each call returns the next state, an unsigned 32-bit integer. */
export function xorshift32(start) {
  let x = start >>> 0
  return () => {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    return x
  }
}

/** Values in [0, 1): the state over 2^32. A start of 0 gives only zeros. */
export function random(start) {
  const next = xorshift32(start)
  return () => next() / 0x100000000
}

/** Values in (0, 1), never 0, so log() of them is finite; a seed of 0 is taken as 1. */
export function seededRandom(seed) {
  const next = xorshift32(seed >>> 0 || 1)
  return () => (next() + 0.5) / 0x100000000
}

/** `count` log-uniform latencies over 0.1 … 1000 ms, rounded to 3 decimals (µs). */
export function logUniformLatenciesMs(count, seed) {
  const rand = random(seed)
  const out = new Float64Array(count)
  for (let i = 0; i < count; i++) out[i] = Math.round(10 ** (rand() * 4 - 1) * 1000) / 1000
  return out
}
