// `taskmeter-agent --compare`: the sync-vs-async comparison. The same workload runs once
// synchronously (one request at a time, blocking work) and once asynchronously (concurrent), each
// measured by the agent's histograms, and prints the Performance Comparison Report.
import type { Config } from '../config/load-config.js'
import { openMeasuringAgent } from './measuring-agent.js'
import { waitForCount } from './measured-task.js'
import { type RunSummary, formatMs, summarize } from './run-summary.js'
import { startWorkload } from './workload-process.js'

export interface Comparison {
  sync: RunSummary
  async: RunSummary
  improvement: { throughput_x: number; p99_lower_pct: number }
}

function section(title: string, run: RunSummary): string {
  return [
    `${title}:`,
    `  Total requests: ${run.requests}`,
    `  Duration: ${run.duration_s.toFixed(3)}s`,
    `  Throughput: ${run.throughput.toFixed(1)} req/s`,
    `  Latency p50: ${formatMs(run.latency_ms.p50)}`,
    `  Latency p95: ${formatMs(run.latency_ms.p95)}`,
    `  Latency p99: ${formatMs(run.latency_ms.p99)}`,
  ].join('\n')
}

export function formatComparison(comparison: Comparison): string {
  const { throughput_x, p99_lower_pct } = comparison.improvement
  return [
    'Performance Comparison Report',
    '============================',
    '',
    section('Sync Implementation', comparison.sync),
    '',
    section('Async Implementation', comparison.async),
    '',
    'Improvement:',
    `  Throughput: ${throughput_x.toFixed(1)}x faster`,
    `  Latency p99: ${Math.abs(p99_lower_pct).toFixed(1)}% ${p99_lower_pct >= 0 ? 'lower' : 'higher'}`,
    '',
  ].join('\n')
}

export async function runCompare(config: Config): Promise<number> {
  const options = config.loadTest
  const agent = await openMeasuringAgent(config)
  try {
    const runs: RunSummary[] = []
    for (const mode of ['sync', 'async'] as const) {
      const task = `compare_${mode}`
      if (!options.json)
        process.stderr.write(
          `running ${options.requests} requests ${mode === 'sync' ? 'synchronously' : `asynchronously (concurrency ${options.concurrency})`}…\n`,
        )
      const workload = startWorkload(
        {
          host: agent.udpHost,
          port: agent.udpPort,
          task,
          mode,
          concurrency: options.concurrency,
          durationSeconds: null,
          requests: options.requests,
          ratePerSecond: null,
          errorRate: options.errorRate,
        },
        () => undefined,
      )
      const final = await workload.done
      runs.push(summarize(await waitForCount(agent.read, task, final.requests), final))
    }
    const [sync, async] = runs as [RunSummary, RunSummary]
    const comparison: Comparison = {
      sync,
      async,
      improvement: {
        throughput_x: sync.throughput > 0 ? Math.round((async.throughput / sync.throughput) * 10) / 10 : 0,
        p99_lower_pct:
          sync.latency_ms.p99 > 0 ? Math.round((1 - async.latency_ms.p99 / sync.latency_ms.p99) * 1000) / 10 : 0,
      },
    }
    if (!options.json) process.stdout.write(formatComparison(comparison))
    process.stdout.write(JSON.stringify(comparison) + '\n')
    return 0
  } finally {
    await agent.close()
  }
}
