// Task names are whatever apps send: /dashboard and /report must list each one, once, as itself.
import { describe, expect, it } from 'vitest'
import { Aggregator } from '../../aggregate/aggregator.js'
import { buildDashboard } from '../ui/dashboard-snapshot.js'
import { renderReport } from './report-text.js'

function aggregatorWith(names: string[]): Aggregator {
  const aggregator = new Aggregator({ windowSeconds: 60, precision: 2, maxSeries: 100, now: () => 1000 })
  for (const name of names) {
    const task = aggregator.task(name, null)
    if (task === null) throw new Error(`no task ${name}`)
    aggregator.recordRequest(task, 5, false, 1)
  }
  return aggregator
}

describe('task names in /dashboard and /report', () => {
  it('lists __proto__ and constructor like any other task, labels too', () => {
    const aggregator = aggregatorWith(['__proto__', 'constructor', 'plain'])
    const tagged = aggregator.task('tagged', [['__proto__', 'x']])
    expect(tagged).not.toBeNull()
    const snapshot = JSON.parse(JSON.stringify(buildDashboard(aggregator, {}))) as {
      tasks: Record<string, { name: string; labels: Record<string, string> }>
    }
    expect(Object.keys(snapshot.tasks).sort()).toEqual([
      '__proto__',
      'constructor',
      'plain',
      'tagged{tag__proto__="x"}',
    ])
    expect(Object.hasOwn(snapshot.tasks, '__proto__')).toBe(true)
    const report = renderReport(buildDashboard(aggregator, {}), null)
    expect(report).toContain('Task: __proto__\n')
    expect(report).toContain('Task: constructor\n')
    expect(renderReport(buildDashboard(aggregator, {}), ['toString'])).toContain('Task: toString\n  (no data yet)')
  })

  it('writes control characters in a name as escapes, so a name cannot add report lines', () => {
    const aggregator = aggregatorWith(['evil\nTask: forged\r\n  Latency p50: 0.00ms'])
    const report = renderReport(buildDashboard(aggregator, {}), null)
    expect(report).toContain('Task: evil\\u000aTask: forged\\u000d\\u000a  Latency p50: 0.00ms\n')
    expect(report.split('\n').filter((line) => line.startsWith('Task: '))).toHaveLength(1)
  })
})
