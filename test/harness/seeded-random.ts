// The test harness's seeded generator: the repository's one xorshift32 (bench/seeded-random.mjs),
// so tests and benchmarks draw the same sequence from the same seed.
export { random, seededRandom } from '../../bench/seeded-random.mjs'
