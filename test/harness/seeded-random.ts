// The one seeded generator of the test harness (xorshift32): replayable inputs for fuzzing and for
// known latency mixes. Values lie in (0, 1), never 0, so log() of them is finite.
export function seededRandom(seed: number): () => number {
  let x = seed >>> 0 || 1
  return () => {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    return (x + 0.5) / 0x100000000
  }
}
