#!/usr/bin/env node
// The synthetic workload behind `taskmeter-agent --load-test` and `--compare`, run as a child
// process so that it goes through the real client and real UDP (the agent does not import the
// client). Simulated work has a lognormal latency (median 10 ms) and a configurable error rate;
// `--mode sync` runs one request at a time doing blocking work, `--mode async` runs
// `--concurrency` requests at once awaiting timers. Progress goes to stdout as JSON lines.
// Usage: load-workload.js --port P [--host H] --task NAME --mode async|sync --concurrency N
//        (--duration S | --requests N) [--rate R] [--error-rate E]
import { parseArgs } from 'node:util'
import { createClient } from './create-client.js'

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string' },
    task: { type: 'string', default: 'load_test' },
    mode: { type: 'string', default: 'async' },
    concurrency: { type: 'string', default: '100' },
    duration: { type: 'string' },
    requests: { type: 'string' },
    rate: { type: 'string' },
    'error-rate': { type: 'string', default: '0.01' },
    'median-ms': { type: 'string', default: '10' },
  },
})

const port = Number(values.port)
const concurrency = values.mode === 'sync' ? 1 : Number(values.concurrency)
const durationMs = values.duration === undefined ? Infinity : Number(values.duration) * 1000
const maxRequests = values.requests === undefined ? Infinity : Number(values.requests)
const ratePerSecond = values.rate === undefined ? Infinity : Number(values.rate)
const errorRate = Number(values['error-rate'])
const medianMs = Number(values['median-ms'])
if (
  !(port > 0) ||
  !(concurrency >= 1) ||
  (durationMs === Infinity && maxRequests === Infinity) ||
  !(errorRate >= 0 && errorRate <= 1)
) {
  process.stderr.write('load-workload: needs --port, --concurrency ≥ 1, --duration or --requests, --error-rate 0..1\n')
  process.exit(2)
}

// Large datagrams on loopback and a short flush interval: the load test measures the agent, so
// the client must not be the bottleneck (its buffer is bounded: it drops and counts when full).
const client = createClient({ host: values.host, port, bufferFlushInterval: 20 })

function latencyMs(): number {
  const normal = Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random())
  return Math.min(medianMs * Math.exp(0.4 * normal), 60_000)
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function blockFor(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until) {
    // Busy work on purpose: the sync implementation blocks its thread.
  }
}

class SimulatedFailure extends Error {}

const started = performance.now()
let issued = 0
let completed = 0
let errors = 0
let stopping = false

function mayStart(): boolean {
  return !stopping && issued < maxRequests && performance.now() - started < durationMs
}

async function worker(): Promise<void> {
  while (mayStart()) {
    issued++
    if (ratePerSecond !== Infinity) {
      const dueMs = (issued / ratePerSecond) * 1000 - (performance.now() - started)
      if (dueMs > 0) await sleep(dueMs)
    }
    const work = latencyMs()
    const fails = Math.random() < errorRate
    try {
      await client.trackAsync(values.task as string, async () => {
        if (values.mode === 'sync') blockFor(work)
        else await sleep(work)
        if (fails) throw new SimulatedFailure('simulated failure')
      })
    } catch (err) {
      if (!(err instanceof SimulatedFailure)) throw err
      errors++
    }
    completed++
  }
}

function progress(type: 'progress' | 'done'): void {
  const elapsed = (performance.now() - started) / 1000
  process.stdout.write(
    JSON.stringify({
      type,
      requests: completed,
      errors,
      duration_s: elapsed,
      client: type === 'done' ? client.stats() : undefined,
    }) + '\n',
  )
}

const ticker = setInterval(() => progress('progress'), 250)
process.on('SIGTERM', () => (stopping = true))
process.on('SIGINT', () => (stopping = true))

const workers: Array<Promise<void>> = []
for (let i = 0; i < concurrency; i++) workers.push(worker())
await Promise.all(workers)
clearInterval(ticker)
await client.close()
progress('done')
