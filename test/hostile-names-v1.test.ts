// One hostile protocol v1 sender against a real agent: what StatsD text cannot carry (newlines,
// colons, NUL, empty tag values, a tag key twice in one map) and the limits counted in bytes. The
// same rules as for StatsD: refused and counted under its reason, or kept as its own series, and
// every output stays parseable, consistent and complete.
import { describeHostileCases } from './harness/hostile-cases.js'
import { V1_CASES } from './harness/hostile-name-cases-v1.js'

describeHostileCases('hostile protocol v1 names', V1_CASES)
