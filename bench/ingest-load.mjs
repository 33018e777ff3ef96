// The ingest load shared by bench/ingest.bench.mjs and bench/peers/compare.mjs: the same datagrams
// (protocol v1 batches of 1432 bytes, or StatsD timing lines), sent from a separate process. The
// sender is bench/senders/udp-mmsg-sender.c (sendmmsg, compiled here at bench time when `cc`
// exists, into the git-ignored bench/results/) or, without a C compiler, the Node sender
// bench/udp-blast.mjs. Loopback only; every send is bounded in time (≤ 120 s).
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { BatchEncoder, EVENT_KIND, encodeName } from '@taskmeter/protocol'

const here = path.dirname(fileURLToPath(import.meta.url))
export const RESULTS_DIR = path.join(here, 'results')
const SENDER_SOURCE = path.join(here, 'senders', 'udp-mmsg-sender.c')
const SENDER_BINARY = path.join(RESULTS_DIR, 'udp-mmsg-sender')

/**
 * 16 distinct datagrams (so a receiver does not see one buffer over and over): `protocol` =
 * protocol v1 timings under 10 task names, 1432 bytes each; `statsd:<n>` = n lines
 * `ingest_task_<k>:<ms>|ms` per datagram, the same tasks and values.
 */
export function buildDatagrams(format) {
  const datagrams = []
  const statsd = /^statsd:(\d+)$/.exec(format)
  let eventsPerDatagram = 0
  for (let d = 0; d < 16; d++) {
    if (statsd !== null) {
      const lines = Number(statsd[1])
      let text = ''
      for (let i = 0; i < lines; i++)
        text += `ingest_task_${(d + i) % 10}:${1 + ((i * 7919 + d * 104729) % 250000) / 1000}|ms\n`
      datagrams.push(Buffer.from(text))
      eventsPerDatagram = lines
      continue
    }
    const encoder = new BatchEncoder(1432)
    let i = 0
    while (
      encoder.append(
        EVENT_KIND.timing,
        encodeName(`ingest_task_${(d + i) % 10}`),
        1 + ((i * 7919 + d * 104729) % 250000) / 1000,
        1,
        null,
      )
    )
      i++
    datagrams.push(Buffer.from(encoder.datagram()))
    eventsPerDatagram = encoder.eventCount
  }
  return { datagrams, eventsPerDatagram }
}

let compiled = null
/** Path of the C sender, compiled once per run when `cc` exists and the source is newer; else null. */
export function cSender() {
  if (compiled !== null) return compiled || null
  compiled = false
  if (process.env.BENCH_NODE_SENDER === '1') return null
  try {
    mkdirSync(RESULTS_DIR, { recursive: true })
    if (!existsSync(SENDER_BINARY) || statSync(SENDER_BINARY).mtimeMs < statSync(SENDER_SOURCE).mtimeMs) {
      execFileSync('cc', ['-O2', '-o', SENDER_BINARY, SENDER_SOURCE], { stdio: ['ignore', 'ignore', 'pipe'] })
    }
    compiled = SENDER_BINARY
  } catch {
    compiled = false // no cc: the Node sender
  }
  return compiled || null
}

/** Runs a sender to its end and resolves with the JSON line it printed. */
export function runSender(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`sender ${command} exited ${code}`)),
    )
  })
}

/**
 * Sends `format` datagrams to 127.0.0.1:port at `rate` events/s for `seconds`. The C sender is one
 * process (`sockets` source ports); the Node fallback runs `nodeSenders` processes (one Node
 * sender is slower than one receiver). Resolves { events, datagrams, seconds, sender }.
 */
export async function sendLoad({ port, rate, seconds, format, sockets = 1, nodeSenders = 2 }) {
  const binary = cSender()
  if (binary !== null) {
    const { datagrams, eventsPerDatagram } = buildDatagrams(format)
    const file = path.join(RESULTS_DIR, `load-${format.replace(':', '-')}.bin`)
    const parts = []
    for (const d of datagrams) {
      const length = Buffer.alloc(4)
      length.writeUInt32LE(d.length)
      parts.push(length, d)
    }
    writeFileSync(file, Buffer.concat(parts))
    const r = await runSender(binary, [
      String(port),
      String(rate),
      String(seconds),
      file,
      String(eventsPerDatagram),
      String(sockets),
    ])
    return { events: r.events, datagrams: r.datagrams, seconds: r.seconds, sender: 'c-sendmmsg' }
  }
  const blastArgs = (share) => [
    path.join(here, 'udp-blast.mjs'),
    String(port),
    String(share),
    String(seconds),
    ...(format === 'protocol' ? [] : [format]),
  ]
  const results = await Promise.all(
    Array.from({ length: nodeSenders }, () => runSender(process.execPath, blastArgs(rate / nodeSenders))),
  )
  return {
    events: results.reduce((sum, r) => sum + r.events, 0),
    datagrams: results.reduce((sum, r) => sum + r.datagrams, 0),
    seconds: Math.max(...results.map((r) => r.seconds)),
    sender: `node x${nodeSenders}`,
  }
}

/** Writes bench/results/<name>.json (git-ignored) and returns its path. */
export function writeResult(name, result) {
  mkdirSync(RESULTS_DIR, { recursive: true })
  const file = path.join(RESULTS_DIR, `${name}.json`)
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n')
  return file
}

/**
 * Starts agent/dist/cli.js on ephemeral loopback ports, with `args` after those; resolves with the
 * process and its ports once it has logged them.
 */
export function spawnAgent(args) {
  const cli = path.join(here, '..', 'agent', 'dist', 'cli.js')
  const child = spawn(process.execPath, [cli, '--port', '0', '--udp-port', '0', '--host', '127.0.0.1', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return new Promise((resolve, reject) => {
    let text = ''
    child.stdout.on('data', (chunk) => {
      text += chunk
      const m = /"udp":"[^"]*:(\d+)","http":"[^"]*:(\d+)"/.exec(text)
      if (m) resolve({ child, udpPort: Number(m[1]), httpPort: Number(m[2]) })
    })
    child.on('exit', (code) => reject(new Error(`agent exited ${code}: ${text}`)))
  })
}
