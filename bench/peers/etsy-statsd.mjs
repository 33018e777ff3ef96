// Etsy StatsD (npm `statsd`), the original aggregator, as a bench peer. Installed on first use into
// a temp dir (never the workspace's dependencies), started on loopback with no backend and a
// one-hour flush so that nothing resets its counters during a run; what it counted is its own
// `statsd.metrics_received` counter, read over its management TCP port.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { freePort } from './free-port.mjs'

const VERSION = '0.9.0'
const DIR = path.join(os.tmpdir(), 'taskmeter-peers', `etsy-statsd-${VERSION}`)
const MAIN = path.join(DIR, 'node_modules', 'statsd', 'stats.js')

/** Installs statsd@VERSION with npm (under the shared npm lock when flock exists); null or why not. */
function install() {
  if (existsSync(MAIN)) return null
  try {
    mkdirSync(DIR, { recursive: true })
    writeFileSync(path.join(DIR, 'package.json'), '{"private":true}\n')
    const npm = ['npm', 'install', '--no-audit', '--no-fund', '--ignore-scripts', `statsd@${VERSION}`]
    let hasFlock = true
    try {
      execFileSync('flock', ['--version'], { stdio: 'ignore' })
    } catch {
      hasFlock = false
    }
    const [command, ...args] = hasFlock ? ['flock', '/tmp/taskmeter-npm.lock', ...npm] : npm
    execFileSync(command, args, { cwd: DIR, stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 })
    return existsSync(MAIN) ? null : 'npm install finished without node_modules/statsd'
  } catch (err) {
    return `npm install statsd@${VERSION} failed: ${String(err.message ?? err).split('\n')[0]}`
  }
}

function managementCounters(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    let text = ''
    const timer = setTimeout(() => socket.destroy(new Error('management port timed out')), 5000)
    socket.on('connect', () => socket.write('counters\n'))
    socket.on('data', (chunk) => {
      text += chunk
      if (text.includes('END')) {
        clearTimeout(timer)
        socket.end()
        resolve(text)
      }
    })
    socket.on('error', reject)
  })
}

/** Starts it: { name, port, pid, count(), stop() }, or { skipped: reason }. */
export async function startEtsyStatsd() {
  const problem = install()
  if (problem !== null) return { name: 'etsy-statsd', skipped: problem }
  const port = await freePort('udp4')
  const mgmtPort = await freePort('tcp')
  const config = path.join(DIR, `bench-config-${port}.js`)
  writeFileSync(
    config,
    `{ port: ${port}, address: "127.0.0.1", mgmt_address: "127.0.0.1", mgmt_port: ${mgmtPort}, flushInterval: 3600000, backends: [] }\n`,
  )
  const child = spawn(process.execPath, [MAIN, config], { cwd: path.dirname(MAIN), stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  child.stdout.on('data', (c) => (log += c))
  child.stderr.on('data', (c) => (log += c))
  const count = async () => {
    const match = /'statsd\.metrics_received': (\d+)/.exec(await managementCounters(mgmtPort))
    return match ? Number(match[1]) : 0
  }
  for (let i = 0; i < 100; i++) {
    try {
      await count()
      break
    } catch {
      if (child.exitCode !== null)
        return { name: 'etsy-statsd', skipped: `exited ${child.exitCode}: ${log.slice(0, 300)}` }
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  return {
    name: `etsy-statsd ${VERSION}`,
    port,
    pid: child.pid,
    settleMs: 300,
    count,
    async stop() {
      child.kill('SIGTERM')
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)))
    },
  }
}
