#!/usr/bin/env node
// Demo traffic for `taskmeter-agent --demo`: a few tasks with realistic latency mixes and some
// failures, a counter, a gauge and a histogram, all through the real client over real UDP, so a
// newcomer sees live data at once. Runs until its parent (the agent) goes away or it is killed.
// Usage: node demo-traffic.js --host 127.0.0.1 --port 8125
import { parseArgs } from 'node:util'
import { createClient } from './create-client.js'

interface DemoTask {
  name: string
  medianMs: number
  sigma: number
  errorRate: number
  /** Concurrent workers running this task back to back. */
  workers: number
}

const TASKS: readonly DemoTask[] = [
  { name: 'prediction', medianMs: 12, sigma: 0.5, errorRate: 0.02, workers: 8 },
  { name: 'db.query', medianMs: 2.5, sigma: 0.9, errorRate: 0.005, workers: 4 },
  { name: 'http.request', medianMs: 80, sigma: 0.6, errorRate: 0.05, workers: 12 },
]

function lognormalMs(medianMs: number, sigma: number): number {
  const normal = Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random())
  return Math.min(medianMs * Math.exp(sigma * normal), 5_000)
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

const { values } = parseArgs({
  options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '8125' } },
})
const client = createClient({ host: values.host, port: Number(values.port), reportUrl: 'http://127.0.0.1:1' })
let queueDepth = 0
let running = true

async function worker(task: DemoTask): Promise<void> {
  while (running) {
    try {
      await client.trackAsync(task.name, async () => {
        await sleep(lognormalMs(task.medianMs, task.sigma))
        if (Math.random() < task.errorRate) throw new Error('demo failure')
      })
      client.increment('work_completed')
    } catch {
      // The demo's own failures are the point: the client already reported them as errors.
    }
    await sleep(Math.random() * 20)
  }
}

const parentPid = process.ppid
const timers = [
  setInterval(() => {
    queueDepth = Math.max(0, queueDepth + Math.round((Math.random() - 0.45) * 6))
    client.gauge('queue_depth', queueDepth)
    client.histogram('batch_size', 1 + Math.floor(Math.random() * 64))
  }, 250),
  // Stop with the agent even if it died without killing us.
  setInterval(() => {
    try {
      process.kill(parentPid, 0)
    } catch {
      stop()
    }
  }, 1000),
]

function stop(): void {
  running = false
  for (const timer of timers) clearInterval(timer)
  void client.close().finally(() => process.exit(0))
}

process.on('SIGTERM', stop)
process.on('SIGINT', stop)
for (const task of TASKS) for (let i = 0; i < task.workers; i++) void worker(task)
