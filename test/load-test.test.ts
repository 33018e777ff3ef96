// `--load-test` and `--compare` as the user runs them (child processes, real client, real UDP,
// figures from the agent's histograms), and their flag errors.
import { describe, expect, it } from 'vitest'
import { runAgentCli } from './harness/agent-process.js'

interface RunSummary {
  requests: number
  errors: number
  duration_s: number
  throughput: number
  latency_ms: { p50: number; p95: number; p99: number; p999: number; max: number }
  sent: number
  client_dropped: number
}

function lastJsonLine<T>(stdout: string): T {
  const lines = stdout.trim().split('\n')
  return JSON.parse(lines[lines.length - 1] as string) as T
}

function expectConsistent(run: RunSummary): void {
  expect(run.requests).toBeGreaterThan(0)
  // Exact: every request the workload completed was counted by the agent (loopback, no loss).
  expect(run.requests).toBe(run.sent)
  expect(run.client_dropped).toBe(0)
  // duration_s is rounded to ms in the JSON, so allow 2 % against the exact figure.
  expect(Math.abs(run.throughput - run.requests / run.duration_s) / run.throughput).toBeLessThanOrEqual(0.02)
  const { p50, p95, p99, p999, max } = run.latency_ms
  expect(p50).toBeGreaterThan(0)
  expect(p50).toBeLessThanOrEqual(p95)
  expect(p95).toBeLessThanOrEqual(p99)
  expect(p99).toBeLessThanOrEqual(p999)
  expect(p999).toBeLessThanOrEqual(max)
}

// Ports 0: the in-process agent of each run takes free ports, so runs never collide.
const PORTS = ['--port', '0', '--udp-port', '0']

describe('taskmeter-agent --load-test / --compare', () => {
  it('--load-test --duration 3 --concurrency 20 --json reports exact counts from the agent', async () => {
    const result = await runAgentCli(
      ['--load-test', '--duration', '3', '--concurrency', '20', '--json', ...PORTS],
      {},
      30_000,
    )
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout.trim().split('\n')).toHaveLength(1) // --json prints only JSON
    const run = lastJsonLine<RunSummary>(result.stdout)
    expectConsistent(run)
    expect(run.duration_s).toBeGreaterThanOrEqual(3)
    expect(run.duration_s).toBeLessThan(6)
  })

  it('--compare --requests 200 --json: exact counts, async faster than sync', async () => {
    const result = await runAgentCli(['--compare', '--requests', '200', '--json', ...PORTS], {}, 60_000)
    expect(result.code, result.stderr).toBe(0)
    const comparison = lastJsonLine<{
      sync: RunSummary
      async: RunSummary
      improvement: { throughput_x: number; p99_lower_pct: number }
    }>(result.stdout)
    expectConsistent(comparison.sync)
    expectConsistent(comparison.async)
    expect(comparison.sync.requests).toBe(200)
    expect(comparison.async.requests).toBe(200)
    expect(comparison.async.throughput).toBeGreaterThan(comparison.sync.throughput)
    expect(comparison.improvement.throughput_x).toBeCloseTo(comparison.async.throughput / comparison.sync.throughput, 0)
  })

  it('--compare without --json prints the Performance Comparison Report with the improvement line', async () => {
    const result = await runAgentCli(['--compare', '--requests', '50', '--concurrency', '10', ...PORTS], {}, 60_000)
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain('Performance Comparison Report')
    expect(result.stdout).toMatch(/Sync Implementation:\n {2}Total requests: 50\n/)
    expect(result.stdout).toMatch(/Async Implementation:\n {2}Total requests: 50\n/)
    expect(result.stdout).toMatch(
      /Improvement:\n {2}Throughput: \d+\.\dx faster\n {2}Latency p99: \d+\.\d% (lower|higher)\n/,
    )
  })

  it('holds at --concurrency 1000: the agent counts every request', async () => {
    const result = await runAgentCli(
      ['--load-test', '--duration', '2', '--concurrency', '1000', '--json', ...PORTS],
      {},
      30_000,
    )
    expect(result.code, result.stderr).toBe(0)
    const run = lastJsonLine<RunSummary>(result.stdout)
    expectConsistent(run)
    expect(run.requests).toBeGreaterThan(10_000)
  })

  it.each([
    [['--load-test', '--compare'], '--load-test and --compare cannot be combined'],
    [['--duration', '5'], '--duration only applies with --load-test'],
    [['--requests', '5'], '--requests only applies with --compare'],
    [['--compare', '--rate', '10'], '--rate only applies with --load-test'],
    [['--concurrency', '5'], '--concurrency only applies with --load-test or --compare'],
    [['--load-test', '--demo'], '--demo cannot be combined'],
    [['--load-test', '--error-rate', '2'], '--error-rate must be a number 0..1'],
    [['--load-test', '--target', 'nohost'], '--target must be host:port'],
    [['--load-test', '--target-url', 'http://x:3000'], '--target-url only applies with --target'],
  ])('%j exits 2 with one line', async (args, message) => {
    const result = await runAgentCli(args)
    expect(result.code).toBe(2)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toContain(message)
  })
})
