// npm test starts with test/setup/system-tools.sh: it installs the suite's system tools when it can,
// and otherwise stops before any test with one line per missing tool. These runs give it a PATH
// of our own making, so what is "installed" is known, and no apt-get is ever reached.
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from './harness/agent-process.js'

const SCRIPT = path.join(REPO_ROOT, 'test', 'setup', 'system-tools.sh')
const TOOLS: ReadonlyArray<[tool: string, aptPackage: string]> = [
  ['promtool', 'prometheus'],
  ['prometheus', 'prometheus'],
  ['chromium', 'chromium'],
  ['yamllint', 'yamllint'],
  ['kubectl', 'kubernetes-client'],
  ['python3', 'python3'],
  ['cc', 'gcc'],
  ['valgrind', 'valgrind'],
]
const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/**
 * A PATH folder holding stand-ins for the named tools and a `node` that reports the given major
 * version, and nothing else (no apt-get, no sudo).
 */
function pathWith(tools: readonly string[], nodeMajor = 22): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'taskmeter-tools-'))
  dirs.push(dir)
  const stubs: Array<[string, string]> = tools.map((tool) => [tool, 'exit 0'])
  stubs.push(['node', `echo ${nodeMajor}`])
  for (const [name, body] of stubs) {
    writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`)
    chmodSync(path.join(dir, name), 0o755)
  }
  return dir
}

function runSetup(pathDir: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('/bin/bash', [SCRIPT], { env: { PATH: pathDir }, encoding: 'utf8', timeout: 20_000 })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('test/setup/system-tools.sh', () => {
  it('does nothing and exits 0 when every tool is on PATH', () => {
    const result = runSetup(pathWith(TOOLS.map(([tool]) => tool)))
    expect(result).toEqual({ status: 0, stdout: '', stderr: '' })
  })

  it('stops with one line when node is older than 20', () => {
    const result = runSetup(
      pathWith(
        TOOLS.map(([tool]) => tool),
        18,
      ),
    )
    expect(result.status).toBe(1)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toMatch(/^node: Node\.js >= 20 is needed \(found 18\)/)
  })

  it('without apt-get, prints one line per missing tool naming its package and exits 1', () => {
    const result = runSetup(pathWith(['prometheus', 'python3']))
    expect(result.status).toBe(1)
    expect(result.stdout).toBe('')
    const lines = result.stderr.trim().split('\n')
    const missing = lines.filter((line) => line.startsWith('missing: '))
    expect(missing.map((line) => line.split(' ')[1])).toEqual([
      'promtool',
      'chromium',
      'yamllint',
      'kubectl',
      'cc',
      'valgrind',
    ])
    for (const line of missing) {
      const tool = line.split(' ')[1]
      const aptPackage = TOOLS.find(([name]) => name === tool)?.[1]
      expect(line).toContain(`apt-get install ${aptPackage}`)
    }
    // The last line says why it could not install them itself.
    expect(lines).toHaveLength(missing.length + 1)
    expect(lines.at(-1)).toMatch(/cannot install here/)
  })
})
