// collectd's statsd plugin (Debian `collectd-core`) as a bench peer. Never installed from here:
// `apt-get install -y --no-install-recommends collectd-core` (root); without it the peer is
// skipped. Started in the foreground with a config of our own in a temp dir: the statsd plugin on
// loopback with TimerCount (and a p99, as an aggregator computes one), Interval 1, and the csv
// plugin, from whose per-interval `count` values what it counted is summed.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { freePort } from './free-port.mjs'

const COLLECTD = '/usr/sbin/collectd'
const TYPES_DB = '/usr/share/collectd/types.db'

function sumCounts(csvDir) {
  let total = 0
  const dir = path.join(csvDir, 'bench', 'statsd')
  if (!existsSync(dir)) return 0
  for (const file of readdirSync(dir)) {
    if (!/^gauge-.*-count-/.test(file)) continue
    for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n').slice(1)) {
      const value = Number(line.split(',')[1])
      if (Number.isFinite(value)) total += value
    }
  }
  return total
}

export async function startCollectd() {
  if (!existsSync(COLLECTD) || !existsSync('/usr/lib/collectd/statsd.so')) {
    return { name: 'collectd', skipped: 'not installed (apt-get install -y --no-install-recommends collectd-core)' }
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'taskmeter-collectd-'))
  const port = await freePort('udp4')
  const config = path.join(dir, 'collectd.conf')
  writeFileSync(
    config,
    [
      'Hostname "bench"',
      'FQDNLookup false',
      'Interval 1',
      `BaseDir "${dir}"`,
      `PIDFile "${dir}/collectd.pid"`,
      'PluginDir "/usr/lib/collectd"',
      `TypesDB "${TYPES_DB}"`,
      'LoadPlugin statsd',
      'LoadPlugin csv',
      '<Plugin statsd>',
      '  Host "127.0.0.1"',
      `  Port "${port}"`,
      '  TimerCount true',
      '  TimerPercentile 99',
      '  DeleteTimers true',
      '</Plugin>',
      '<Plugin csv>',
      `  DataDir "${dir}/csv"`,
      '  StoreRates false',
      '</Plugin>',
      '',
    ].join('\n'),
  )
  const child = spawn(COLLECTD, ['-f', '-C', config], { stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  child.stdout.on('data', (c) => (log += c))
  child.stderr.on('data', (c) => (log += c))
  for (let i = 0; i < 50 && !log.includes('Listening on') && child.exitCode === null; i++)
    await new Promise((r) => setTimeout(r, 100))
  if (!log.includes('Listening on')) {
    child.kill('SIGKILL')
    return { name: 'collectd', skipped: `did not start: ${log.slice(0, 300)}` }
  }
  let help = ''
  try {
    help = execFileSync(COLLECTD, ['-h'], { encoding: 'utf8' }) // its usage ends with "collectd 5.12.0.git, …"
  } catch (err) {
    help = String(err.stdout ?? '')
  }
  const version = /collectd (\d+\.\d+\.\d+)/.exec(help)?.[1] ?? ''
  return {
    name: `collectd ${version} statsd`.replace('  ', ' '),
    port,
    pid: child.pid,
    settleMs: 2500, // counts land in the CSV once per 1 s interval
    count: async () => sumCounts(path.join(dir, 'csv')),
    async stop() {
      child.kill('SIGTERM')
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
