// ns per timing() call, amortized: our client against hot-shots (default mode: one datagram per
// call; and its maxBufferSize batching mode), side by side in one run. Each run times N calls plus
// the flush that hands every datagram to the kernel, so deferred send work counts.
// A worker thread binds 127.0.0.1:0 and drains the datagrams on another core.
// Plain JS over the BUILT packages: Node 20 cannot run .ts (npm run build first).
// Run: npm run bench:client (node --expose-gc, so each run starts after a GC). BENCH_CALLS and
// BENCH_RUNS shrink it for a quick look; the README's figure needs the defaults (5 × 1 M).
import { once } from 'node:events'
import { performance } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import StatsD from 'hot-shots'
import { createClient } from '@taskmeter/client'
import { logUniformLatenciesMs } from './seeded-random.mjs'

const CALLS_PER_RUN = Number(process.env.BENCH_CALLS ?? 1_000_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const WARMUP_CALLS = 200_000
const TASK = 'prediction'
// Our default datagram size on loopback, and 1432 (SPEC.md §1, our default off loopback). hot-shots
// batching runs at both sizes with the same flush interval; the ratio is taken against its
// faster one, so it is the conservative figure.
const DATAGRAM_BYTES = 16384
const SMALL_DATAGRAM_BYTES = 1432
const FLUSH_INTERVAL_MS = 100

// Fixed-seed latencies (xorshift32, a log-uniform 0.1..1000 ms mix) so every run sends the same values.
const VALUES = logUniformLatenciesMs(4096, 0x5eed)
const VALUE_MASK = VALUES.length - 1

const SINK_SOURCE = `
const { parentPort } = require('node:worker_threads')
const dgram = require('node:dgram')
const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024 })
let datagrams = 0, bytes = 0
socket.on('message', (m) => { datagrams++; bytes += m.length })
socket.bind(0, '127.0.0.1', () => parentPort.postMessage({ port: socket.address().port }))
parentPort.on('message', () => parentPort.postMessage({ datagrams, bytes }))
`

async function startSink() {
  const worker = new Worker(SINK_SOURCE, { eval: true })
  const [{ port }] = await once(worker, 'message')
  return {
    port,
    async counts() {
      worker.postMessage('counts')
      const [counts] = await once(worker, 'message')
      return counts
    },
    stop: () => worker.terminate(),
  }
}

function hotShotsFlush(client) {
  return new Promise((resolve) => client.flush(() => resolve()))
}

function ourContender(name, port, maxBufferSize) {
  const client = createClient({ host: '127.0.0.1', port, maxBufferSize, bufferFlushInterval: FLUSH_INTERVAL_MS })
  return { name, client, flush: () => client.flush(), close: () => client.close() }
}

function hotShotsContender(name, port, errors, maxBufferSize) {
  const errorHandler = () => {
    errors.count++
  }
  const options = { host: '127.0.0.1', port, errorHandler }
  if (maxBufferSize !== undefined) Object.assign(options, { maxBufferSize, bufferFlushInterval: FLUSH_INTERVAL_MS })
  const client = new StatsD(options)
  return {
    name,
    client,
    flush: () => hotShotsFlush(client),
    close: () => new Promise((resolve) => client.close(() => resolve())),
  }
}

function contenders(port) {
  const errors = { count: 0 }
  return {
    errors,
    list: [
      ourContender(`taskmeter (default: ${DATAGRAM_BYTES} B on loopback)`, port, undefined),
      ourContender(`taskmeter (${SMALL_DATAGRAM_BYTES} B)`, port, SMALL_DATAGRAM_BYTES),
      hotShotsContender('hot-shots default (a datagram per call)', port, errors, undefined),
      hotShotsContender(`hot-shots batching (${SMALL_DATAGRAM_BYTES} B)`, port, errors, SMALL_DATAGRAM_BYTES),
      hotShotsContender(`hot-shots batching (${DATAGRAM_BYTES} B)`, port, errors, DATAGRAM_BYTES),
    ],
  }
}

// Monomorphic per contender: each gets its own copy of the loop so V8 does not see three receivers.
function makeLoop() {
  return new Function(
    'VALUES',
    'MASK',
    'TASK',
    `return function loop(client, calls) { for (let i = 0; i < calls; i++) client.timing(TASK, VALUES[i & MASK]) }`,
  )(VALUES, VALUE_MASK, TASK)
}

async function timeRun(contender, calls) {
  const start = performance.now()
  contender.loop(contender.client, calls)
  const callsDoneMs = performance.now()
  await contender.flush()
  const end = performance.now()
  return { totalNs: ((end - start) * 1e6) / calls, loopNs: ((callsDoneMs - start) * 1e6) / calls }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

async function main() {
  const sink = await startSink()
  const { list, errors } = contenders(sink.port)
  for (const contender of list) {
    // Our client queues only a bounded number of datagrams until its connect() lookup completes.
    await contender.flush()
    contender.loop = makeLoop()
    contender.total = []
    contender.loopOnly = []
    await timeRun(contender, WARMUP_CALLS)
  }
  for (let run = 0; run < RUNS; run++) {
    for (const contender of list) {
      if (global.gc) global.gc()
      const { totalNs, loopNs } = await timeRun(contender, CALLS_PER_RUN)
      contender.total.push(totalNs)
      contender.loopOnly.push(loopNs)
    }
  }
  const stats = list[0].client.stats()
  const statsSmall = list[1].client.stats()
  for (const contender of list) await contender.close()
  const received = await sink.counts()
  await sink.stop()

  const rows = list.map((c) => ({
    client: c.name,
    'median ns/call': median(c.total).toFixed(1),
    'min ns/call': Math.min(...c.total).toFixed(1),
    'max ns/call': Math.max(...c.total).toFixed(1),
    'calls only ns': median(c.loopOnly).toFixed(1),
    'calls/s': (1e9 / median(c.total)).toExponential(2),
  }))
  console.log(`timing() x ${CALLS_PER_RUN.toLocaleString('en')} calls, median of ${RUNS} runs, node ${process.version}`)
  console.table(rows)
  console.log(
    `taskmeter: ${stats.sent} events in ${stats.datagrams} datagrams, dropped ${JSON.stringify(stats.dropped)}; ` +
      `at 1432 B: ${statsSmall.sent} events in ${statsSmall.datagrams} datagrams, dropped ${JSON.stringify(statsSmall.dropped)}; ` +
      `sink received ${received.datagrams} datagrams (${received.bytes} bytes) from all clients; hot-shots errors ${errors.count}`,
  )
  const ours = median(list[0].total)
  const oursSmall = median(list[1].total)
  const hsDefault = median(list[2].total)
  const hsBatchingSmall = median(list[3].total)
  const hsBatchingLarge = median(list[4].total)
  const hsBatching = Math.min(hsBatchingSmall, hsBatchingLarge)
  console.log(
    JSON.stringify({
      bench: 'client',
      ns_per_op: Number(ours.toFixed(1)),
      ops_per_s: Number((1e9 / ours).toPrecision(3)),
      hotshots_default_ns_per_op: Number(hsDefault.toFixed(1)),
      hotshots_batching_ns_per_op: Number(hsBatching.toFixed(1)),
      hotshots_batching_1432_ns_per_op: Number(hsBatchingSmall.toFixed(1)),
      hotshots_batching_16384_ns_per_op: Number(hsBatchingLarge.toFixed(1)),
      ratio_vs_hotshots_default: Number((hsDefault / ours).toFixed(2)),
      ratio_vs_hotshots_batching: Number((hsBatching / ours).toFixed(2)),
      datagram_bytes: DATAGRAM_BYTES,
      ns_per_op_1432_bytes: Number(oursSmall.toFixed(1)),
      ratio_1432_vs_hotshots_batching_1432: Number((hsBatchingSmall / oursSmall).toFixed(2)),
      calls_per_run: CALLS_PER_RUN,
      runs: RUNS,
      node: process.version,
    }),
  )
}

await main()
