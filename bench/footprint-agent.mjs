// Process plumbing for bench/footprint.bench.mjs: start the built agent (and the processes it is
// compared with) on loopback, read memory from /proc, talk HTTP without Node's fetch (fetch asks
// for gzip on its own, which would turn the gzip path on in every run), send StatsD timing lines
// over UDP or a unix datagram socket, and a remote-write sink. Every child is remembered and
// SIGKILLed at exit, so an error part-way leaves nothing running.
import { execFileSync, spawn } from 'node:child_process'
import dgram from 'node:dgram'
import { readFileSync, readdirSync } from 'node:fs'
import http from 'node:http'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const CLI = path.join(here, '..', 'agent', 'dist', 'cli.js')
const START_TIMEOUT_MS = 15_000

const started = new Set()
export function killAll() {
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  started.clear()
}
process.on('exit', killAll)
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    killAll()
    process.exit(130)
  })

/** Remembers a child for killAll and forgets it when it exits. */
export function remember(child) {
  started.add(child.pid)
  child.once('exit', () => started.delete(child.pid))
  return child
}

/** The same for a process started elsewhere (collectd): forget(pid) once it has been stopped. */
export const rememberPid = (pid) => started.add(pid)
export const forget = (pid) => started.delete(pid)

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** The agent's --help as of this build: which flags the rows may use. */
export function agentHelp() {
  return execFileSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' })
}

export function hasFlag(help, flag) {
  return new RegExp(`(^|\\s)${flag}[\\s,<[=]`, 'm').test(help)
}

/** SIGTERM, then SIGKILL after graceMs; resolves once it has exited. */
function stopChild(child, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/** node agent/dist/cli.js on ephemeral loopback ports; resolves once its "listening" line names the ports. */
export function startAgent(args) {
  const spawnedAt = performance.now()
  const child = remember(
    spawn(process.execPath, [CLI, '--port', '0', '--udp-port', '0', '--host', '127.0.0.1', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  )
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`agent ${args.join(' ')} did not listen within ${START_TIMEOUT_MS} ms:\n${output}`))
    }, START_TIMEOUT_MS)
    const onData = () => {
      const m = /"udp":"[^"]*:(\d+)","http":"[^"]*:(\d+)"/.exec(output)
      if (m === null) return
      clearTimeout(deadline)
      child.stdout.off('data', onData)
      resolve({
        pid: child.pid,
        spawnedAt,
        udpPort: Number(m[1]),
        httpPort: Number(m[2]),
        stop: () => stopChild(child),
      })
    }
    child.stdout.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(deadline)
      reject(new Error(`agent ${args.join(' ')} exited ${code} before listening:\n${output.slice(0, 2000)}`))
    })
  })
}

/** A bare Node process that only keeps its event loop alive: the runtime's own idle RSS. */
export function startBareNode() {
  const spawnedAt = performance.now()
  const child = remember(spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore' }))
  return { pid: child.pid, spawnedAt, stop: () => stopChild(child) }
}

/** The pid and every descendant, through each thread's children list (cluster workers are children). */
export function processTree(pid) {
  const pids = [pid]
  for (let i = 0; i < pids.length; i++) {
    let tasks = []
    try {
      tasks = readdirSync(`/proc/${pids[i]}/task`)
    } catch {
      continue // exited meanwhile
    }
    for (const tid of tasks) {
      try {
        for (const child of readFileSync(`/proc/${pids[i]}/task/${tid}/children`, 'utf8').split(/\s+/))
          if (child !== '' && !pids.includes(Number(child))) pids.push(Number(child))
      } catch {
        // thread exited meanwhile
      }
    }
  }
  return pids
}

/**
 * VmRSS, RssAnon, RssFile and Pss in MiB, summed over the process tree. Summed RSS counts pages
 * the processes share (the node binary, mapped by every worker) once per process; PSS splits them.
 */
export function memory(pid) {
  const total = { rss: 0, anon: 0, file: 0, pss: 0, processes: 0 }
  for (const p of processTree(pid)) {
    let status = ''
    try {
      status = readFileSync(`/proc/${p}/status`, 'utf8')
    } catch {
      continue
    }
    const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0)
    total.rss += kb('VmRSS') / 1024
    total.anon += kb('RssAnon') / 1024
    total.file += kb('RssFile') / 1024
    try {
      total.pss += Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'))?.[1] ?? 0) / 1024
    } catch {
      // exited meanwhile
    }
    total.processes++
  }
  return total
}

/** One GET on a fresh connection; resolves { status, headers, body } with the body as a Buffer. */
export function get(port, pathname, headers = {}, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: pathname, headers, agent: false }, (response) => {
      const chunks = []
      response.on('data', (chunk) => chunks.push(chunk))
      response.on('end', () =>
        resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }),
      )
      response.on('error', reject)
    })
    request.setTimeout(timeoutMs, () => request.destroy(new Error(`GET ${pathname} timed out`)))
    request.on('error', reject)
  })
}

/** The sum of every sample of `name` in a text scrape (with or without labels; a label filter optional). */
export function sampleSum(text, name, labels = '') {
  let sum = 0
  const re = new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`, 'gm')
  for (const m of text.matchAll(re)) if (labels === '' || (m[1] ?? '').includes(labels)) sum += Number(m[2])
  return sum
}

export async function scrapeText(port) {
  return (await get(port, '/metrics', { accept: 'text/plain' })).body.toString('utf8')
}

export async function timingsCounted(port) {
  return sampleSum(await scrapeText(port), 'taskmeter_events_total', 'kind="timing"')
}

/** `perTask` timing lines for each task in [from, to), packed into datagrams of at most 1400 bytes. */
export function timingDatagrams(from, to, perTask, prefix = 'task_', suffix = '') {
  const datagrams = []
  let text = ''
  for (let r = 0; r < perTask; r++) {
    for (let t = from; t < to; t++) {
      const line = `${prefix}${t}${suffix}:${1 + ((t * 7919 + r * 104729) % 250000) / 1000}|ms\n`
      if (text.length + line.length > 1400) {
        datagrams.push(Buffer.from(text))
        text = ''
      }
      text += line
    }
  }
  if (text !== '') datagrams.push(Buffer.from(text))
  return datagrams
}

/** Sends to 127.0.0.1:port, 32 datagrams then a 1 ms pause, so a 4 MiB receive buffer never fills. */
export async function sendUdp(port, datagrams) {
  const socket = dgram.createSocket('udp4')
  try {
    for (let i = 0; i < datagrams.length; i++) {
      await new Promise((resolve, reject) =>
        socket.send(datagrams[i], port, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
      )
      if (i % 32 === 31) await sleep(1)
    }
  } finally {
    socket.close()
  }
}

/** Sends over a unix datagram socket with unix-dgram (what hot-shots uses); false when it is not installed. */
export async function sendUnix(socketPath, datagrams) {
  let unixDgram
  try {
    unixDgram = createRequire(import.meta.url)('unix-dgram')
  } catch {
    return false
  }
  const socket = unixDgram.createSocket('unix_dgram')
  const errors = []
  socket.on('error', (err) => errors.push(err))
  socket.connect(socketPath)
  try {
    for (const datagram of datagrams) {
      for (let tries = 0; ; tries++) {
        const err = await new Promise((resolve) => socket.send(datagram, (e) => resolve(e ?? null)))
        if (err === null) break
        if (tries >= 200) throw new Error(`unix datagram send: ${err.message}`)
        await sleep(5) // the receiver's queue is full: a unix datagram socket waits rather than drops
      }
    }
  } finally {
    socket.close()
  }
  if (errors.length > 0) throw errors[0]
  return true
}

/** Polls `check` every intervalMs until it returns true or timeoutMs passes; resolves whether it did. */
export async function waitUntil(check, timeoutMs, intervalMs = 100) {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if (await check()) return true
    await sleep(intervalMs)
  }
  return false
}

/** A remote-write endpoint that answers 204 and counts pushes and bytes. */
export function startSink() {
  const sink = { pushes: 0, bytes: 0, url: '', close: null }
  const server = http.createServer((request, response) => {
    request.on('data', (chunk) => (sink.bytes += chunk.length))
    request.on('end', () => {
      sink.pushes++
      response.writeHead(204).end()
    })
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      sink.url = `http://127.0.0.1:${server.address().port}/api/v1/write`
      sink.close = () =>
        new Promise((done) => {
          server.closeAllConnections() // the agent's keep-alive connection would hold close() open
          server.close(() => done())
        })
      resolve(sink)
    })
  })
}
