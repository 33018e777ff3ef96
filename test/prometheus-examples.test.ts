// deploy/prometheus/examples/: the 2.x native-histogram and remote-write receiver configs pass
// Debian's promtool 2.42; the 3.x one (settings 2.42 does not know) has them where Prometheus 3
// reads them; all lint clean. deploy/prometheus/prometheus.yml itself stays promtool-2.42-valid
// (test/deploy-config.test.ts).
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { REPO_ROOT } from './harness/agent-process.js'
import { requireTool } from './harness/system-tool.js'

const EXAMPLES = path.join(REPO_ROOT, 'deploy', 'prometheus', 'examples')

function run(command: string, args: string[]): { code: number | null; output: string } {
  const result = spawnSync(command, args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: 20_000 })
  return { code: result.status, output: `${result.stdout}${result.stderr}` }
}

describe('deploy/prometheus/examples', () => {
  it('promtool 2.42 accepts the 2.x native-histogram and the remote-write receiver configs', () => {
    const promtool = requireTool('promtool', 'apt-get install prometheus (the Debian package ships promtool)')
    for (const file of ['native-histograms-2x.yml', 'remote-write-receiver.yml']) {
      const result = run(promtool, ['check', 'config', path.join(EXAMPLES, file)])
      expect(result, file).toMatchObject({ code: 0 })
    }
  })

  it('the 3.x config turns native histograms on and keeps the classic buckets, per scrape config', () => {
    const config = parse(readFileSync(path.join(EXAMPLES, 'native-histograms-3x.yml'), 'utf8')) as {
      scrape_configs: Array<Record<string, unknown>>
    }
    expect(config.scrape_configs[0]).toMatchObject({
      job_name: 'taskmeter',
      scrape_native_histograms: true,
      always_scrape_classic_histograms: true,
    })
  })

  it('every example lints clean and names the flags it needs', () => {
    const yamllint = requireTool('yamllint', 'apt-get install yamllint')
    expect(run(yamllint, ['--strict', '-c', 'deploy/.yamllint.yml', EXAMPLES])).toMatchObject({ code: 0, output: '' })
    expect(readFileSync(path.join(EXAMPLES, 'native-histograms-2x.yml'), 'utf8')).toContain(
      '--enable-feature=native-histograms',
    )
    expect(readFileSync(path.join(EXAMPLES, 'remote-write-receiver.yml'), 'utf8')).toContain(
      '--web.enable-remote-write-receiver',
    )
  })
})
