// `taskmeter-agent --load-test`: a synthetic async workload through the real client at the given
// concurrency, a live progress bar (elapsed, req/s, p99 so far from the agent, errors), then the
// report table and a JSON summary line. Ctrl-C stops early and still reports.
import { SingleBar } from 'cli-progress'
import type { Config } from '../config/load-config.js'
import { openMeasuringAgent } from './measuring-agent.js'
import { waitForCount } from './measured-task.js'
import { type RunSummary, formatMs, summarize } from './run-summary.js'
import { startWorkload } from './workload-process.js'

export function formatLoadReport(task: string, concurrency: number, summary: RunSummary): string {
  const errorPct = summary.requests > 0 ? ((summary.errors / summary.requests) * 100).toFixed(1) : '0.0'
  return [
    'Load Test Report',
    '================',
    `Task: ${task}  Concurrency: ${concurrency}  Duration: ${summary.duration_s.toFixed(1)}s`,
    `  Total requests: ${summary.requests} (errors ${summary.errors}, error rate ${errorPct}%)`,
    `  Throughput: ${summary.throughput.toFixed(1)} req/s`,
    `  Latency p50: ${formatMs(summary.latency_ms.p50)}`,
    `  Latency p95: ${formatMs(summary.latency_ms.p95)}`,
    `  Latency p99: ${formatMs(summary.latency_ms.p99)}`,
    `  Latency p99.9: ${formatMs(summary.latency_ms.p999)}`,
    `  Latency max: ${formatMs(summary.latency_ms.max)}`,
    `  Agent counted ${summary.requests} of ${summary.sent} requests sent (client dropped ${summary.client_dropped})`,
    '',
  ].join('\n')
}

export async function runLoadTest(config: Config): Promise<number> {
  const options = config.loadTest
  const agent = await openMeasuringAgent(config)
  const showBar = !options.json && process.stderr.isTTY === true
  const bar = new SingleBar({
    format: 'load test |{bar}| {elapsed}s/{total}s  {rps} req/s  p99 {p99}  errors {errors}',
    hideCursor: true,
    stream: process.stderr,
  })
  if (showBar) bar.start(options.durationSeconds, 0, { elapsed: '0.0', rps: '0', p99: '-', errors: 0 })
  else if (!options.json && agent.dashboardUrl !== null)
    process.stderr.write(
      `load test running for ${options.durationSeconds}s; live figures at ${agent.dashboardUrl}/dashboard\n`,
    )

  let p99 = '-'
  const workload = startWorkload(
    {
      host: agent.udpHost,
      port: agent.udpPort,
      task: options.task,
      mode: 'async',
      concurrency: options.concurrency,
      durationSeconds: options.durationSeconds,
      requests: null,
      ratePerSecond: options.ratePerSecond,
      errorRate: options.errorRate,
    },
    (progress) => {
      if (!showBar) return
      void agent.read(options.task).then(
        (snapshot) => (p99 = snapshot === undefined ? '-' : formatMs(snapshot.latency_ms.p99)),
        () => undefined,
      )
      const elapsed = Math.min(progress.duration_s, options.durationSeconds)
      bar.update(elapsed, {
        elapsed: elapsed.toFixed(1),
        rps: (progress.requests / Math.max(progress.duration_s, 0.001)).toFixed(0),
        p99,
        errors: progress.errors,
      })
    },
  )
  const stopEarly = (): void => workload.stop()
  process.once('SIGINT', stopEarly)
  process.once('SIGTERM', stopEarly)
  try {
    const final = await workload.done
    if (showBar) bar.stop()
    const snapshot = await waitForCount(agent.read, options.task, final.requests)
    const summary = summarize(snapshot, final)
    if (!options.json) process.stdout.write(formatLoadReport(options.task, options.concurrency, summary))
    process.stdout.write(JSON.stringify(summary) + '\n')
    return 0
  } finally {
    process.off('SIGINT', stopEarly)
    process.off('SIGTERM', stopEarly)
    await agent.close()
  }
}
