// /dashboard's per-task `exemplar`: the slowest of the latest per bucket still inside the window,
// with the trace link when --trace-url-template is set; absent for a task without one.
import { describe, expect, it } from 'vitest'
import { Aggregator } from '../../aggregate/aggregator.js'
import { ExemplarRecorder } from '../../aggregate/exemplar-recorder.js'
import { buildDashboard } from './dashboard-snapshot.js'

const BOUNDS = [0.01, 0.1, 1]
const ids = (trace: string): Uint8Array => Buffer.from(trace.repeat(16) + 'ab'.repeat(8), 'hex')

function state() {
  const unix = { ms: 1_000_000 }
  const aggregator = new Aggregator({ windowSeconds: 60, precision: 2, maxSeries: 10, now: () => 5000 })
  const recorder = new ExemplarRecorder(BOUNDS, () => unix.ms)
  const job = aggregator.task('job', null)
  if (job === null || aggregator.task('plain', null) === null) throw new Error('no task')
  const request = (ms: number, trace: string): void => {
    aggregator.recordRequest(job, ms, false, 1)
    recorder.recordTask(job, ms, ids(trace))
  }
  return { unix, aggregator, request }
}

describe('dashboard exemplar', () => {
  it('is the slowest inside the window, with its link', () => {
    const { unix, aggregator, request } = state()
    request(800, '11')
    unix.ms += 61_000
    request(50, '22')
    request(5, '33')
    const snapshot = buildDashboard(aggregator, {}, 'http://jaeger:16686/trace/{trace_id}#{span_id}', unix.ms)
    expect(snapshot.tasks.job?.exemplar).toEqual({
      value_ms: 50,
      trace_id: '22'.repeat(16),
      span_id: 'ab'.repeat(8),
      timestamp: unix.ms,
      url: `http://jaeger:16686/trace/${'22'.repeat(16)}#${'ab'.repeat(8)}`,
    })
    expect(snapshot.tasks.plain !== undefined && 'exemplar' in snapshot.tasks.plain).toBe(false)
  })

  it('has no url without a template, and is absent once the window passed it', () => {
    const { unix, aggregator, request } = state()
    request(800, '11')
    expect(buildDashboard(aggregator, {}, null, unix.ms).tasks.job?.exemplar?.url).toBeUndefined()
    expect(buildDashboard(aggregator, {}, null, unix.ms + 60_001).tasks.job?.exemplar).toBeUndefined()
  })
})
