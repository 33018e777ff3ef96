// A user histogram is a summary: it renders `<name>`, `<name>_sum`, `<name>_count`, and in protobuf
// scrapes a native `<name>_histogram` beside it, and it occupies all of those names. A histogram
// named like a sample of another, sent before or after it, must be refused and counted: kept, one
// family's lines read as the other's samples (promtool refuses the scrape), or the first one's
// native histogram gives way to it. Each case has its own agent, so that a broken exposition is
// blamed on that case alone.
import { EVENT_KIND } from '@taskmeter/protocol'
import { describe, expect, it } from 'vitest'
import { agentRun, v1 } from './harness/hostile-cases.js'
import { type PromtoolResult, promtoolCheck } from './harness/hostile-exposition.js'

// Any of the refusals that name a clash of names is right here; which one is the agent's choice.
const NAME_REFUSALS = ['events_dropped:type_conflict', 'events_dropped:reserved_name', 'events_dropped:name_collision']

function namesRefused(refused: Record<string, number> | undefined): number {
  return NAME_REFUSALS.reduce((n, reason) => n + (refused?.[reason] ?? 0), 0)
}

function promtoolVerdict(result: PromtoolResult): string {
  return result.code === 1 ? result.output.trim() : 'parses'
}

const { histogram } = EVENT_KIND

describe('histogram x, then histograms x_sum and x_count', () => {
  const run = agentRun(() => [
    ['hx:1|h'],
    ['hx_sum:1|h', 'hx_count:1|h'],
    ['dx:1|d'],
    ['dx_sum:1|d', 'dx_count:1|d'],
    [v1([histogram, 'vx', 1])],
    [v1([histogram, 'vx_sum', 1], [histogram, 'vx_count', 1])],
  ])

  it('refuses and counts x_sum and x_count (|h, |d and protocol v1), and promtool parses /metrics', async () => {
    const { refused, scrape } = run()
    expect({
      firstKept: [refused[0], refused[2], refused[4]],
      secondRefused: [refused[1], refused[3], refused[5]].map(namesRefused),
      histograms: Object.keys(scrape.dashboard.histograms).sort(),
      promtool: promtoolVerdict(await promtoolCheck(scrape.text)),
    }).toEqual({
      firstKept: [{}, {}, {}],
      secondRefused: [2, 2, 2],
      histograms: ['dx', 'hx', 'vx'],
      promtool: 'parses',
    })
  })
})

describe('histograms y_sum and y_count, then histogram y', () => {
  const run = agentRun(() => [['y_sum:1|h', 'y_count:1|d'], ['y:1|h']])

  it('refuses and counts y, whose _sum and _count samples are taken, and promtool parses /metrics', async () => {
    const { refused, scrape } = run()
    expect({
      firstKept: refused[0],
      secondRefused: namesRefused(refused[1]),
      histograms: Object.keys(scrape.dashboard.histograms).sort(),
      promtool: promtoolVerdict(await promtoolCheck(scrape.text)),
    }).toEqual({ firstKept: {}, secondRefused: 1, histograms: ['y_count', 'y_sum'], promtool: 'parses' })
  })
})

describe("histogram z, then histogram z_histogram (z's native companion in protobuf)", () => {
  const run = agentRun(() => [['z:1|h'], ['z_histogram:1|h']])

  it('refuses and counts z_histogram, so that z keeps its native histogram in protobuf', () => {
    const { refused, scrape } = run()
    expect({
      firstKept: refused[0],
      secondRefused: namesRefused(refused[1]),
      histograms: Object.keys(scrape.dashboard.histograms).sort(),
      protobufZHistogram: scrape.families.filter((f) => f.name === 'z_histogram').map((f) => f.type),
    }).toEqual({ firstKept: {}, secondRefused: 1, histograms: ['z'], protobufZHistogram: ['HISTOGRAM'] })
  })
})
