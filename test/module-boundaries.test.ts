// Module boundaries, enforced: protocol and instrument import nothing of ours; client and agent
// import protocol and instrument only (through their package entries) and never each other; the
// agent's pipeline stages import only the stages before them (aggregate knows no sockets, HTTP or
// decoders); no import cycles.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from './harness/agent-process.js'

function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry)
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full))
    else if (
      /\.ts$/.test(entry) &&
      !/\.(test|prop\.test|fixture|test-support)\.ts$/.test(entry) &&
      !entry.endsWith('.d.ts')
    )
      out.push(full)
  }
  return out
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const found: string[] = []
  for (const match of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm))
    found.push(match[1] as string)
  for (const match of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) found.push(match[1] as string)
  return found
}

const rel = (file: string): string => path.relative(REPO_ROOT, file)

// The packages client and agent may import; each through its package entry only.
const SHARED = new Set(['@taskmeter/protocol', '@taskmeter/instrument'])

describe('module boundaries', () => {
  it('protocol imports nothing of ours and no Node I/O', () => {
    for (const file of sourceFiles(path.join(REPO_ROOT, 'protocol', 'src'))) {
      for (const spec of importsOf(file)) {
        expect(spec.startsWith('@taskmeter/') || spec.startsWith('../'), `${rel(file)} imports ${spec}`).toBe(false)
        expect(/^(node:)?(dgram|net|http|https|fs)$/.test(spec), `${rel(file)} imports ${spec}`).toBe(false)
      }
    }
  })

  it('instrument imports nothing of ours and no Node I/O', () => {
    const files = sourceFiles(path.join(REPO_ROOT, 'instrument', 'src'))
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) {
      for (const spec of importsOf(file)) {
        expect(spec.startsWith('@taskmeter/') || spec.startsWith('../'), `${rel(file)} imports ${spec}`).toBe(false)
        expect(/^(node:)?(dgram|net|http|https|fs)$/.test(spec), `${rel(file)} imports ${spec}`).toBe(false)
      }
    }
  })

  it('client imports protocol and instrument only, never the agent', () => {
    for (const file of sourceFiles(path.join(REPO_ROOT, 'client', 'src'))) {
      for (const spec of importsOf(file)) {
        expect(spec.startsWith('@taskmeter/') && !SHARED.has(spec), `${rel(file)} imports ${spec}`).toBe(false)
        expect(
          /(^|\/)(agent|protocol|instrument)\//.test(spec) && spec.startsWith('..'),
          `${rel(file)} reaches into ${spec}`,
        ).toBe(false)
      }
    }
  })

  it('agent imports protocol and instrument only, never the client', () => {
    for (const file of sourceFiles(path.join(REPO_ROOT, 'agent', 'src'))) {
      for (const spec of importsOf(file)) {
        expect(spec.startsWith('@taskmeter/') && !SHARED.has(spec), `${rel(file)} imports ${spec}`).toBe(false)
        expect(
          spec.includes('/client/') || spec.includes('/protocol/src') || spec.includes('/instrument/src'),
          `${rel(file)} reaches into ${spec}`,
        ).toBe(false)
      }
    }
  })

  it('aggregate knows no sockets, HTTP, wire decoding or exposition', () => {
    for (const file of sourceFiles(path.join(REPO_ROOT, 'agent', 'src', 'aggregate'))) {
      for (const spec of importsOf(file)) {
        expect(
          /^(node:)?(dgram|net|http|https)$|fastify|prom-client|\/(ingest|decode|expose)\//.test(spec),
          `${rel(file)} imports ${spec}`,
        ).toBe(false)
      }
    }
  })

  it('the self-metric registry does not reach into expose: every stage may declare into it', () => {
    for (const file of sourceFiles(path.join(REPO_ROOT, 'agent', 'src', 'self-metrics'))) {
      for (const spec of importsOf(file)) expect(/\/expose\//.test(spec), `${rel(file)} imports ${spec}`).toBe(false)
    }
  })

  it('decode does not reach into expose or ingest; ingest does not reach into aggregate or expose', () => {
    for (const file of sourceFiles(path.join(REPO_ROOT, 'agent', 'src', 'decode'))) {
      for (const spec of importsOf(file))
        expect(/\/(expose|ingest)\//.test(spec), `${rel(file)} imports ${spec}`).toBe(false)
    }
    for (const file of sourceFiles(path.join(REPO_ROOT, 'agent', 'src', 'ingest'))) {
      for (const spec of importsOf(file))
        expect(/\/(aggregate|expose)\//.test(spec), `${rel(file)} imports ${spec}`).toBe(false)
    }
  })

  it('config imports nothing from expose: flags are parsed before any route exists', () => {
    for (const file of sourceFiles(path.join(REPO_ROOT, 'agent', 'src', 'config'))) {
      for (const spec of importsOf(file)) expect(/\/expose\//.test(spec), `${rel(file)} imports ${spec}`).toBe(false)
    }
  })

  it('workers import nothing from expose: the serving half is wired in pipeline/, in front of either topology', () => {
    const files = sourceFiles(path.join(REPO_ROOT, 'agent', 'src', 'workers'))
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) {
      for (const spec of importsOf(file)) expect(/\/expose\//.test(spec), `${rel(file)} imports ${spec}`).toBe(false)
    }
  })

  it('state reads and writes the aggregator and its flags only: aggregate/ and config/', () => {
    const dir = path.join(REPO_ROOT, 'agent', 'src', 'state')
    const files = sourceFiles(dir)
    expect(files.length).toBeGreaterThan(0)
    const allowed = ['state', 'aggregate', 'config'].map(
      (folder) => path.join(REPO_ROOT, 'agent', 'src', folder) + path.sep,
    )
    for (const file of files) {
      for (const spec of importsOf(file)) {
        if (spec.startsWith('.')) {
          const target = path.resolve(path.dirname(file), spec)
          expect(
            allowed.some((folder) => target.startsWith(folder)),
            `${rel(file)} imports ${spec}`,
          ).toBe(true)
        } else
          expect(
            spec.startsWith('@taskmeter/') || /^(node:)?(dgram|net|http|https)$/.test(spec),
            `${rel(file)} imports ${spec}`,
          ).toBe(false)
      }
    }
  })

  it('aggregate imports nothing of ours but @taskmeter/protocol, and reaches no further than its own folder', () => {
    const dir = path.join(REPO_ROOT, 'agent', 'src', 'aggregate')
    const files = sourceFiles(dir)
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) {
      for (const spec of importsOf(file)) {
        if (spec.startsWith('.')) {
          const target = path.resolve(path.dirname(file), spec)
          expect(target.startsWith(dir + path.sep), `${rel(file)} imports ${spec}`).toBe(true)
        } else
          expect(spec.startsWith('@taskmeter/') && spec !== '@taskmeter/protocol', `${rel(file)} imports ${spec}`).toBe(
            false,
          )
      }
    }
  })

  it('has no import cycles inside a package', () => {
    for (const pkg of ['protocol', 'instrument', 'client', 'agent']) {
      const files = sourceFiles(path.join(REPO_ROOT, pkg, 'src'))
      const graph = new Map<string, string[]>()
      for (const file of files) {
        const deps = importsOf(file)
          .filter((spec) => spec.startsWith('.'))
          .map((spec) => path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts'))
          .filter((dep) => graph.has(dep) || files.includes(dep))
        graph.set(file, deps)
      }
      const state = new Map<string, 'visiting' | 'done'>()
      const stack: string[] = []
      const visit = (node: string): void => {
        if (state.get(node) === 'done') return
        if (state.get(node) === 'visiting')
          throw new Error(`import cycle: ${[...stack.slice(stack.indexOf(node)), node].map(rel).join(' → ')}`)
        state.set(node, 'visiting')
        stack.push(node)
        for (const dep of graph.get(node) ?? []) visit(dep)
        stack.pop()
        state.set(node, 'done')
      }
      for (const file of files) visit(file)
    }
  })
})
