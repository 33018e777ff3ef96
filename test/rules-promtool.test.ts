// The rules under promtool: `promtool check rules` accepts the committed file, the PrometheusRule's
// groups and the --test-windows variant; `promtool test rules` passes the unit tests in
// deploy/prometheus/tests/, which cover every alert both firing and staying quiet; and those tests
// do fail when the rules change under them (they are not vacuous). promtool comes from the Debian
// package "prometheus"; a missing tool fails the file, never skips.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse, stringify } from 'yaml'
import { REPO_ROOT } from './harness/agent-process.js'
import { requireTool } from './harness/system-tool.js'
import { PROMETHEUS_RULE_FILE, RULES_FILE, runCommand, runGenerator } from './rules-commands.js'

const INSTALL_HINT = 'apt-get install prometheus (the Debian package "prometheus" ships promtool)'
const TESTS_DIR = path.join(REPO_ROOT, 'deploy', 'prometheus', 'tests')

interface AlertRuleTest {
  alertname: string
  eval_time: string
  exp_alerts?: unknown[]
}
interface UnitTestFile {
  rule_files: string[]
  tests: Array<{ name: string; alert_rule_test?: AlertRuleTest[] }>
}

const testFiles = readdirSync(TESTS_DIR)
  .filter((f) => f.endsWith('.yml'))
  .sort()
  .map((f) => path.join(TESTS_DIR, f))
const dir = mkdtempSync(path.join(os.tmpdir(), 'taskmeter-promtool-'))
let promtool = ''

beforeAll(() => {
  promtool = requireTool('promtool', INSTALL_HINT)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('promtool check rules', () => {
  it('accepts the committed rules file', async () => {
    const result = await runCommand(promtool, ['check', 'rules', RULES_FILE])
    expect(result.code, result.stdout + result.stderr).toBe(0)
    expect(result.stdout).toMatch(/SUCCESS: 27 rules found/)
  })

  it("accepts the PrometheusRule's groups and the --test-windows rules", async () => {
    const operatorGroups = path.join(dir, 'operator-groups.yml')
    const manifest = parse(readFileSync(PROMETHEUS_RULE_FILE, 'utf8')) as { spec: { groups: unknown[] } }
    writeFileSync(operatorGroups, stringify({ groups: manifest.spec.groups }))
    const testWindows = path.join(dir, 'test-windows.yml')
    expect((await runGenerator(['--test-windows', '--out', testWindows])).code).toBe(0)
    const result = await runCommand(promtool, ['check', 'rules', operatorGroups, testWindows])
    expect(result.code, result.stdout + result.stderr).toBe(0)
    expect(result.stdout.match(/SUCCESS: 27 rules found/g)).toHaveLength(2)
  })

  it('rejects a broken expression (the check is not vacuous)', async () => {
    const broken = path.join(dir, 'broken.yml')
    writeFileSync(broken, readFileSync(RULES_FILE, 'utf8').replace('== 0', '== == 0'))
    const result = await runCommand(promtool, ['check', 'rules', broken])
    expect(result.code).not.toBe(0)
    expect(result.stdout + result.stderr).toMatch(/TaskmeterTargetDown|parse error/)
  })
})

describe('promtool test rules (deploy/prometheus/tests/*.yml)', () => {
  it('passes every unit test against the committed rules', async () => {
    const result = await runCommand(promtool, ['test', 'rules', ...testFiles], 60_000)
    expect(result.code, result.stdout + result.stderr).toBe(0)
    expect(result.stdout.match(/SUCCESS/g)).toHaveLength(testFiles.length)
  }, 60_000)

  it('covers every alert both firing and staying quiet, against the committed rules file', () => {
    const rules = parse(readFileSync(RULES_FILE, 'utf8')) as { groups: Array<{ rules: Array<{ alert?: string }> }> }
    const alertNames = rules.groups.flatMap((g) => g.rules).flatMap((r) => (r.alert === undefined ? [] : [r.alert]))
    const firing = new Set<string>()
    const quiet = new Set<string>()
    for (const file of testFiles) {
      const unit = parse(readFileSync(file, 'utf8')) as UnitTestFile
      expect(unit.rule_files, file).toEqual(['../rules/taskmeter.rules.yml'])
      for (const test of unit.tests)
        for (const check of test.alert_rule_test ?? [])
          ((check.exp_alerts ?? []).length > 0 ? firing : quiet).add(check.alertname)
    }
    expect(
      alertNames.filter((a) => !firing.has(a)),
      'alerts never tested firing',
    ).toEqual([])
    expect(
      alertNames.filter((a) => !quiet.has(a)),
      'alerts never tested quiet',
    ).toEqual([])
  })

  it('fail when the rules change under them (a 99% SLO: the quiet cases would fire)', async () => {
    // A copy of the tests beside rules generated for another SLO, laid out as in the repo.
    const copy = path.join(dir, 'repo-copy')
    mkdirSync(path.join(copy, 'rules'), { recursive: true })
    cpSync(TESTS_DIR, path.join(copy, 'tests'), { recursive: true })
    expect((await runGenerator(['--slo', '99', '--out', path.join(copy, 'rules', 'taskmeter.rules.yml')])).code).toBe(0)
    const copies = testFiles.map((f) => path.join(copy, 'tests', path.basename(f)))
    const result = await runCommand(promtool, ['test', 'rules', ...copies], 60_000)
    expect(result.code).not.toBe(0)
    expect(result.stdout + result.stderr).toMatch(/FAILED[\s\S]*TaskmeterErrorBudget/)
  }, 60_000)
})
