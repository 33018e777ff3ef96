// A sidecar pays for what it loads whether it uses it or not: an agent on default flags, scraped
// as Prometheus scrapes it, holds none of the optional parts' modules; each arrives with its flag
// or its first request.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT, startAgentProcess } from './harness/agent-process.js'

const HOOK = pathToFileURL(path.join(REPO_ROOT, 'test', 'harness', 'module-log.mjs')).href

/** Each optional part, by a module only it loads. */
const OPTIONAL: Record<string, RegExp> = {
  'remote write': /agent\/dist\/push\//,
  'snappy (remote write)': /node_modules\/snappyjs\//,
  '--workers': /agent\/dist\/workers\/(cluster-agent|shard-worker)\.js/,
  'the live page files': /agent\/dist\/expose\/ui\/ui-assets\.js/,
  'Grafana generation': /agent\/dist\/expose\/grafana\//,
  'doctor, load-test, compare': /agent\/dist\/modes\//,
  'the demo': /agent\/dist\/demo-process\.js/,
  'YAML (config and mapping files)': /node_modules\/yaml\//,
  // A development dependency now (the oracle of the process families' test): never at run time.
  'prom-client': /node_modules\/prom-client\//,
  // Pretty logs are for a terminal; a sidecar's stdout is a pipe, so it logs JSON without it.
  'pino-pretty (pretty logs)': /node_modules\/pino-pretty\//,
}

async function modulesOf(args: string[], visit: (baseUrl: string) => Promise<void>): Promise<string[]> {
  const log = path.join(mkdtempSync(path.join(tmpdir(), 'taskmeter-modules-')), 'modules.txt')
  writeFileSync(log, '')
  const agent = await startAgentProcess(args, { NODE_OPTIONS: `--import ${HOOK}`, MODULE_LOG_FILE: log })
  try {
    await visit(agent.baseUrl)
  } finally {
    expect(await agent.stop('SIGTERM')).toBe(0)
  }
  return readFileSync(log, 'utf8').split('\n')
}

function loadedParts(modules: readonly string[]): string[] {
  return Object.keys(OPTIONAL).filter((part) => modules.some((url) => OPTIONAL[part]?.test(url)))
}

describe('an agent loads only what runs', () => {
  it('holds no optional part on default flags, scraped and probed', async () => {
    const modules = await modulesOf([], async (baseUrl) => {
      for (const route of ['/metrics', '/healthz', '/ready', '/dashboard'])
        expect((await fetch(`${baseUrl}${route}`, { headers: { 'accept-encoding': 'gzip' } })).status).toBe(200)
    })
    // The hook saw the agent's own modules, so an empty list below means something.
    expect(modules.some((url) => url.endsWith('agent/dist/aggregate/aggregator.js'))).toBe(true)
    expect(loadedParts(modules)).toEqual([])
  })

  it('loads each part with its flag or its first request', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'taskmeter-lazy-'))
    const config = path.join(dir, 'agent.yaml')
    writeFileSync(config, 'window: 30\n')
    const args = ['--config', config, '--remote-write', 'http://127.0.0.1:9/api/v1/write']
    const modules = await modulesOf(args, async (baseUrl) => {
      expect((await fetch(`${baseUrl}/grafana-dashboard`)).status).toBe(200)
      expect((await fetch(`${baseUrl}/ui`)).status).toBe(200)
    })
    expect(loadedParts(modules)).toEqual([
      'remote write',
      'snappy (remote write)',
      'the live page files',
      'Grafana generation',
      'YAML (config and mapping files)',
    ])
  })
})
