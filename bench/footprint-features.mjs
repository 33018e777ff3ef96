// The optional features bench/footprint.bench.mjs turns on one at a time: the flags each adds
// (names as `node agent/dist/cli.js --help` lists them; a row whose flag is gone is skipped with
// the reason) and its first use. Every use starts the same way, 30 timing lines for 10 tasks
// counted through one text scrape or more (`feed`), which the default agent does too in the
// "default, after the same 30 lines" row, so a used row can be read against that one.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  get,
  hasFlag,
  sampleSum,
  scrapeText,
  sendUdp,
  sendUnix,
  startSink,
  timingDatagrams,
  waitUntil,
} from './footprint-agent.mjs'

export const FEED_TASKS = 10
export const FEED_PER_TASK = 3
// What Prometheus asks for when it scrapes native histograms (the agent negotiates on exactly this).
const PROTOBUF = 'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited'

const eventsCounted = async (port) => sampleSum(await scrapeText(port), 'taskmeter_events_total')

/** 30 timing lines (10 tasks × 3) over `send`, then waits (≤ 10 s) until /metrics counts them. */
export async function feed(agent, send = (d) => sendUdp(agent.udpPort, d), prefix = 'task_', suffix = '') {
  const before = await eventsCounted(agent.httpPort)
  const sent = await send(timingDatagrams(0, FEED_TASKS, FEED_PER_TASK, prefix, suffix))
  if (sent === false) return 'unix-dgram is not installed: not fed'
  const want = before + FEED_TASKS * FEED_PER_TASK
  const counted = await waitUntil(async () => (await eventsCounted(agent.httpPort)) >= want, 10_000)
  return counted ? '' : `only ${(await eventsCounted(agent.httpPort)) - before} of 30 lines counted`
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`

/** The live page's asset URLs: the page's href/src, then each module's relative imports, once each. */
async function fetchLivePage(port) {
  const page = await get(port, '/ui')
  if (page.status !== 200) return `GET /ui answered ${page.status}`
  const queue = [...page.body.toString('utf8').matchAll(/(?:href|src)="(ui\/assets\/[^"]+)"/g)].map((m) => m[1])
  const seen = new Set(queue)
  let bytes = page.body.length
  for (let i = 0; i < queue.length && i < 100; i++) {
    const asset = await get(port, `/${queue[i]}`)
    bytes += asset.body.length
    if (!queue[i].endsWith('.js')) continue
    const dir = queue[i].slice(0, queue[i].lastIndexOf('/') + 1)
    for (const m of asset.body.toString('utf8').matchAll(/(?:from|import)\s*['"]\.\/([^'"]+)['"]/g)) {
      if (!seen.has(dir + m[1])) {
        seen.add(dir + m[1])
        queue.push(dir + m[1])
      }
    }
  }
  const snapshot = await get(port, '/dashboard')
  const distribution = await get(port, '/dashboard/distribution?task=task_0')
  bytes += snapshot.body.length + distribution.body.length
  return `/ui + ${seen.size} assets + /dashboard + a distribution: ${kib(bytes)}`
}

/** A temp dir with `name` in it (written when `text` is given): `flag <path>` and its cleanup. */
function tempPath(flag, name, text = null) {
  const dir = mkdtempSync(path.join(tmpdir(), 'taskmeter-footprint-'))
  const file = path.join(dir, name)
  if (text !== null) writeFileSync(file, text)
  return { args: [flag, file], file, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/**
 * Each feature: `flags` it needs in --help; `setup()` → { args, cleanup } (none: default flags);
 * `feedWith(ctx)` → feed()'s send, prefix and suffix (none: UDP, task_<i>); `use(agent, ctx)`
 * after the feed → a note. `idle` / `used` name its two rows (no flags: the used row only).
 */
export const FEATURES = [
  {
    key: 'remote_write',
    idle: 'remote write, pushing every 1 s',
    used: '  after a push carrying the 10 tasks',
    flags: ['--remote-write', '--remote-write-interval'],
    async setup() {
      const sink = await startSink()
      return { args: ['--remote-write', sink.url, '--remote-write-interval', '1'], sink, cleanup: () => sink.close() }
    },
    async use(_agent, { sink }) {
      const pushes = sink.pushes
      const pushed = await waitUntil(() => sink.pushes >= pushes + 2, 10_000)
      return `${sink.pushes} pushes, ${kib(sink.bytes)} received${pushed ? '' : ', no push after the feed'}`
    },
  },
  {
    key: 'workers_2',
    idle: '--workers 2 (primary + workers)',
    used: '  after the 30 lines, merged by a scrape',
    flags: ['--workers', '--max-memory'],
    // The memory budget counts each worker's worst case: at the default --max-memory it refuses two.
    setup: () => ({ args: ['--workers', '2', '--max-memory', '4GiB'] }),
    use: async (_agent, ctx) => `${ctx.processes} processes, --max-memory 4GiB`,
  },
  {
    key: 'protobuf',
    used: 'default flags, after one protobuf scrape',
    flags: [],
    async use(agent) {
      const r = await get(agent.httpPort, '/metrics', { accept: PROTOBUF })
      const type = String(r.headers['content-type'] ?? '')
      return `${type.includes('protobuf') ? 'protobuf' : `answered ${type}`}, ${kib(r.body.length)}`
    },
  },
  {
    key: 'live_page',
    used: 'default flags, after the live page',
    flags: [],
    use: (agent) => fetchLivePage(agent.httpPort),
  },
  {
    key: 'grafana_dashboard',
    used: 'default flags, after /grafana-dashboard',
    flags: [],
    async use(agent) {
      const r = await get(agent.httpPort, '/grafana-dashboard')
      return `${r.status}, ${kib(r.body.length)}`
    },
  },
  {
    key: 'config_file',
    idle: '--config (3 flags in YAML)',
    used: '  after the 30 lines',
    flags: ['--config', '--window', '--precision', '--ttl'],
    setup: () =>
      tempPath('--config', 'taskmeter.yml', '# the defaults, from a file\nwindow: 60\nprecision: 2\nttl: 600\n'),
    use: async () => 'window, precision, ttl',
  },
  {
    key: 'mapping_config',
    idle: '--mapping-config (one rule)',
    used: '  after 30 mapped lines',
    flags: ['--mapping-config'],
    setup: () =>
      tempPath(
        '--mapping-config',
        'mapping.yml',
        'mappings:\n  - match: "fp.*.duration"\n    name: "fp_task"\n    labels:\n      task: "$1"\n',
      ),
    feedWith: () => ({ prefix: 'fp.task_', suffix: '.duration' }),
    async use(agent) {
      const matches = sampleSum(await scrapeText(agent.httpPort), 'taskmeter_mapping_matches_total')
      return `fp.<task>.duration → fp_task{task}, ${matches} matches`
    },
  },
  {
    key: 'unix_socket',
    idle: '--unix-socket',
    used: '  after 30 lines over the unix socket',
    flags: ['--unix-socket'],
    setup: () => tempPath('--unix-socket', 'agent.sock'),
    feedWith: (ctx) => ({ send: (d) => sendUnix(ctx.file, d) }),
    use: async () => 'sent with unix-dgram',
  },
  {
    key: 'gzip',
    used: 'default flags, after one gzip scrape',
    flags: [],
    async use(agent) {
      const r = await get(agent.httpPort, '/metrics', { accept: 'text/plain', 'accept-encoding': 'gzip' })
      return `content-encoding ${r.headers['content-encoding'] ?? 'identity'}, ${kib(r.body.length)}`
    },
  },
]

/** Setup, then the feed and the feature's own use: its note, or why the feed fell short. */
export async function setUp(feature) {
  const ctx = feature.setup ? await feature.setup() : { args: [] }
  return { args: [], cleanup: () => {}, ...ctx }
}
export async function useFeature(feature, agent, ctx) {
  const how = feature.feedWith?.(ctx) ?? {}
  const short = await feed(agent, how.send, how.prefix, how.suffix)
  return short || (await feature.use(agent, ctx))
}

/** The flags of `feature` that this build's --help lacks. */
export const missingFlags = (help, feature) => feature.flags.filter((flag) => !hasFlag(help, flag))
