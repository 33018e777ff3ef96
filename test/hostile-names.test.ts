// One hostile StatsD / DogStatsD sender against a real agent: names like the agent's own families,
// Object.prototype names, label-format characters, unicode, names and tags at and past their
// limits, tag keys and metric names that meet after sanitizing. Each case is refused and counted
// under its reason or kept as its own series; whatever was sent, /metrics stays parseable and
// agrees with itself in text and protobuf, and /dashboard and /report show every task.
import { describe, expect, it } from 'vitest'
import { describeHostileCases } from './harness/hostile-cases.js'
import { STATSD_CASES } from './harness/hostile-name-cases.js'
import { startAgentProcess } from './harness/agent-process.js'
import { getText } from './harness/poll.js'

describeHostileCases('hostile StatsD names', STATSD_CASES)

describe('/report?task= with an Object.prototype name', () => {
  it('answers "no data yet" for valueOf and __proto__ when no such task was sent', async () => {
    const agent = await startAgentProcess()
    try {
      const report = await getText(`${agent.baseUrl}/report?task=valueOf&task=__proto__`)
      expect(report).toContain('Task: valueOf\n  (no data yet)\n\nTask: __proto__\n  (no data yet)\n')
    } finally {
      await agent.stop()
    }
  })
})
