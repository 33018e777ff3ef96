// The C-level test of the native reader's socket core (agent/native/src/recv_batch.c, the code the
// addon runs): compiled here with the system C compiler and run under valgrind, so every open,
// read and close path is checked for leaks and invalid memory access; then run once more without
// valgrind over ten times the datagrams. A missing cc or valgrind fails with the install command,
// never a skip.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from './harness/agent-process.js'
import { type ProcessResult, runProcess } from './harness/run-process.js'
import { requireTool } from './harness/system-tool.js'

const NATIVE = path.join(REPO_ROOT, 'agent', 'native')
const TEST_DIR = path.join(NATIVE, 'test')
const CORPUS = path.join(TEST_DIR, 'corpus')
// Every case the C test prints a line for; a case that printed nothing (a crash) is a failure too.
const CASES = [
  'fuzz-udp4-batch64',
  'fuzz-udp6-batch8',
  'corpus-udp4',
  'kernel-drops',
  'kernel-drops-when-drained',
  'unix-socket',
  'open-errors',
]
// Valgrind runs the test about thirty times slower: 20000 datagrams per fuzz case take ~8 s here.
const VALGRIND_DATAGRAMS = 20_000
const PLAIN_DATAGRAMS = 200_000

const work = mkdtempSync(path.join(tmpdir(), 'taskmeter-recv-batch-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

let build: Promise<string> | undefined
/** The test binary, compiled once into the temp dir with warnings as errors. */
function compiled(): Promise<string> {
  build ??= (async () => {
    const cc = requireTool('cc', 'apt-get install gcc')
    const binary = path.join(work, 'recv_batch_test')
    const tests = readdirSync(TEST_DIR).filter((name) => name.endsWith('.c'))
    const sources = [path.join(NATIVE, 'src', 'recv_batch.c'), ...tests.map((name) => path.join(TEST_DIR, name))]
    const flags = ['-O1', '-g', '-Wall', '-Wextra', '-Werror', '-I', path.join(NATIVE, 'src')]
    const result = await runProcess(cc, [...flags, ...sources, '-o', binary], { timeoutMs: 60_000 })
    if (result.code !== 0) throw new Error(`cc failed (exit ${result.code}):\n${result.output}`)
    return binary
  })()
  return build
}

/** Each case's verdict line, by case name: 'PASS' or 'FAIL: <reason>'. */
function verdicts(stdout: string): Record<string, string> {
  const found: Record<string, string> = {}
  for (const line of stdout.split('\n')) {
    const match = /^(PASS|FAIL) ([a-z0-9-]+)(?::\s*(.*))?$/.exec(line)
    if (match === null || !CASES.includes(match[2] as string)) continue
    found[match[2] as string] = match[1] === 'PASS' ? 'PASS' : `FAIL: ${match[3] ?? ''}`
  }
  return found
}

function expectAllPassed(result: ProcessResult): void {
  const allPass = Object.fromEntries(CASES.map((name) => [name, 'PASS']))
  expect(verdicts(result.stdout), result.output).toEqual(allPass)
  expect(result.signal, result.output).toBeNull()
  expect(result.code, result.output).toBe(0)
}

describe('recv_batch.c, the native reader socket core, at the C level', () => {
  it(`is valgrind-clean over every case (${VALGRIND_DATAGRAMS} fuzz datagrams per family)`, async () => {
    const valgrind = requireTool('valgrind', 'apt-get install valgrind')
    const binary = await compiled()
    // Exit 99 is valgrind's own verdict (an invalid access, or a definite or indirect leak).
    const args = ['--error-exitcode=99', '--leak-check=full', '--errors-for-leak-kinds=definite,indirect']
    const result = await runProcess(valgrind, [...args, binary, '1', String(VALGRIND_DATAGRAMS), CORPUS], {
      timeoutMs: 100_000,
      env: { ...process.env, TMPDIR: work },
    })
    expectAllPassed(result)
    expect(result.stderr, result.output).toMatch(/ERROR SUMMARY: 0 errors/)
  }, 120_000)

  it(`passes every case without valgrind over ${PLAIN_DATAGRAMS} fuzz datagrams per family`, async () => {
    const binary = await compiled()
    const result = await runProcess(binary, ['2', String(PLAIN_DATAGRAMS), CORPUS], {
      timeoutMs: 60_000,
      env: { ...process.env, TMPDIR: work },
    })
    expectAllPassed(result)
    expect(result.stdout).toContain(`${PLAIN_DATAGRAMS} datagrams per fuzz case`)
  }, 90_000)
})
