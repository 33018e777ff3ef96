// Importing @taskmeter/agent starts nothing: no socket, timer or server until asked, and not the
// CLI (a separate entry, dist/cli.js). A child process imports the built package, uses a monitor
// without serve(), and must then exit on its own: anything left listening or scheduled would keep
// it alive. The calls start the window clock's ticker (agent/src/monitor/window-clock.ts); with a
// one-hour window it ticks every 30 s, so only unref() lets the process exit before the test's
// deadline.
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from './harness/agent-process.js'
import { type ProcessResult, runProcess } from './harness/run-process.js'

const SCRIPT = `
process.stdout.write(''); process.stderr.write('') // our own stdio pipes exist before the baseline
const before = process.getActiveResourcesInfo()
const agent = await import('@taskmeter/agent')
const added = (now) => { const left = [...before]; return now.filter((name) => { const i = left.indexOf(name); if (i < 0) return true; left.splice(i, 1); return false }) }
const afterImport = added(process.getActiveResourcesInfo())
const monitor = agent.createMonitor({ window: 3600 })
const afterCreate = added(process.getActiveResourcesInfo())
for (let i = 0; i < 100; i++) monitor.timing('prediction', i)
await monitor.trackAsync('prediction', async () => 'result')
monitor.increment('work_completed')
monitor.gauge('queue_depth', 17)
monitor.histogram('batch_size', 64)
const report = monitor.report()
const afterUse = added(process.getActiveResourcesInfo())
// prom-client's event-loop-lag probe schedules one setImmediate per collection: one-shot, so the
// exit below still proves nothing stays open.
const metrics = await monitor.metrics()
process.stdout.write(JSON.stringify({ exports: Object.keys(agent).sort(), afterImport, afterCreate, afterUse, report: report.length, metrics: metrics.length }))
`

// Handles (added since before the import) that mean a socket, timer or child was opened.
const LIVE_HANDLE = /Timeout|Immediate|UDP|TCP|Pipe|Signal|Process|TTY/i

function runModule(source: string, timeoutMs: number): Promise<ProcessResult> {
  return runProcess(process.execPath, ['--input-type=module', '-e', source], {
    cwd: REPO_ROOT,
    timeoutMs,
    until: 'exit',
  })
}

describe('import @taskmeter/agent', () => {
  it('has no side effects: a monitor used without serve() lets the process exit by itself', async () => {
    const result = await runModule(SCRIPT, 15_000)
    expect({ code: result.code, signal: result.signal, stderr: result.stderr }).toEqual({
      code: 0,
      signal: null,
      stderr: '',
    })
    const out = JSON.parse(result.stdout) as {
      exports: string[]
      afterImport: string[]
      afterCreate: string[]
      afterUse: string[]
      report: number
      metrics: number
    }
    expect(out.exports).toEqual(
      expect.arrayContaining(['createMonitor', 'wrap', 'tracked', 'Monitor', 'TaskmeterError']),
    )
    expect(out.afterImport.filter((name) => LIVE_HANDLE.test(name))).toEqual([])
    expect(out.afterCreate.filter((name) => LIVE_HANDLE.test(name))).toEqual([])
    expect(out.afterUse.filter((name) => LIVE_HANDLE.test(name))).toEqual([])
    expect(out.report).toBeGreaterThan(0)
    expect(out.metrics).toBeGreaterThan(0)
  })
})
