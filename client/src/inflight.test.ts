// In-flight accounting (SPEC.md §3.1): absolute per-task counts in type-9 reports with every
// flush and as a heartbeat while anything runs; a task drops out after three zero reports.
import { describe, expect, it } from 'vitest'
import { encodeName } from '@taskmeter/protocol'
import { InflightTracker, MAX_TRACKED_TASKS, ZERO_REPORTS } from './inflight.js'
import { createClient } from './index.js'
import { UdpReceiver, waitFor } from './udp-receiver.test-support.js'

function nameBytes(name: string): Uint8Array {
  return encodeName(name) as Uint8Array
}

// A task the test starts and ends by name; start() returns null only past MAX_TRACKED_TASKS.
function run(tracker: InflightTracker, name: string): () => void {
  const task = tracker.start(name, nameBytes(name))
  if (task === null) throw new Error(`no room to track ${name}`)
  return () => tracker.end(task)
}

// The last ZERO_REPORTS reports of a task that ended: listed with 0, then gone.
function expectZeroCountdown(tracker: InflightTracker, name: string): void {
  for (let i = 0; i < ZERO_REPORTS; i++) expect(reportOf(tracker)).toEqual({ [name]: 0 })
  expect(tracker.hasEntries()).toBe(false)
}

function reportOf(tracker: InflightTracker): Record<string, number> {
  tracker.prepareReport()
  const out: Record<string, number> = {}
  for (let i = 0; i < tracker.reportNames.length; i++) {
    out[Buffer.from((tracker.reportNames[i] as Uint8Array).subarray(1)).toString()] = tracker.reportCounts[i] ?? 0
  }
  return out
}

describe('InflightTracker', () => {
  it('counts starts and ends per task and lists a task with 0 in the three reports after it drops', () => {
    const tracker = new InflightTracker()
    expect(tracker.hasEntries()).toBe(false)
    const endA1 = run(tracker, 'a')
    const endA2 = run(tracker, 'a')
    const endB = run(tracker, 'b')
    expect(reportOf(tracker)).toEqual({ a: 2, b: 1 })
    endA1()
    endB()
    for (let i = 0; i < 3; i++) expect(reportOf(tracker)).toEqual({ a: 1, b: 0 })
    expect(ZERO_REPORTS).toBe(3)
    expect(reportOf(tracker)).toEqual({ a: 1 })
    endA2()
    expectZeroCountdown(tracker, 'a')
  })

  it('restarts the zero countdown when a task starts again', () => {
    const tracker = new InflightTracker()
    run(tracker, 'a')()
    expect(reportOf(tracker)).toEqual({ a: 0 })
    expect(reportOf(tracker)).toEqual({ a: 0 })
    run(tracker, 'a')()
    expectZeroCountdown(tracker, 'a')
  })

  it('never counts below zero and stops tracking new names at the cap', () => {
    const tracker = new InflightTracker()
    const endA = run(tracker, 'a')
    endA()
    endA()
    expect(tracker.inflightCount('a')).toBe(0)
    for (let i = 1; i < MAX_TRACKED_TASKS; i++) tracker.start(`t${i}`, nameBytes(`t${i}`))
    expect(tracker.start('one_too_many', nameBytes('one_too_many'))).toBeNull()
    expect(tracker.start('t1', nameBytes('t1'))).not.toBeNull()
  })

  it('makes a final report with every task at 0', () => {
    const tracker = new InflightTracker()
    tracker.start('a', nameBytes('a'))
    tracker.prepareFinalReport()
    expect(tracker.reportCounts).toEqual([0])
    expect(tracker.hasEntries()).toBe(false)
  })
})

describe('in-flight reports over UDP', () => {
  it('keeps heartbeats coming while a 1-second task runs, then three zero reports, then silence', async () => {
    const receiver = await UdpReceiver.start()
    const intervalMs = 100
    const client = createClient({ port: receiver.port, bufferFlushInterval: intervalMs, prefix: 'app.' })
    await client.trackAsync('long', () => new Promise((resolve) => setTimeout(resolve, 1000)))
    // Heartbeats arrived with no other event pending, across the whole second.
    const during = receiver.reports().filter((r) => r.inflight['app.long'] === 1)
    expect(during.length).toBeGreaterThanOrEqual(5)
    // Reports carry their own random instance id (SPEC.md §3.1), not the datagram header's clientId.
    const reportId = receiver.reports()[0]?.clientId
    expect(reportId).toMatch(/^[0-9a-f]{16}$/)
    for (const report of receiver.reports()) {
      expect(Object.keys(report.inflight)).toEqual(['app.long'])
      expect(report.clientId).toBe(reportId)
      expect(report.flushIntervalMs).toBe(intervalMs)
    }
    // No gap between heartbeats comes near the agent's 3 × interval expiry (slack for a loaded CI box).
    const reportTimes = receiver.datagrams
      .filter((d) => d.items.some((i) => i.kind === 'inflight_report'))
      .map((d) => d.atMs)
    for (let i = 1; i < reportTimes.length; i++)
      expect((reportTimes[i] ?? 0) - (reportTimes[i - 1] ?? 0)).toBeLessThan(5 * intervalMs)
    await waitFor(
      'three zero reports',
      () => receiver.reports().filter((r) => r.inflight['app.long'] === 0).length >= 3,
      5000,
    )
    const countAfterZeros = receiver.reports().length
    // Silence after: give the timer several intervals to (wrongly) send more.
    await new Promise((resolve) => setTimeout(resolve, 6 * intervalMs))
    const all = receiver.reports()
    expect(all.length).toBe(countAfterZeros)
    expect(all.filter((r) => r.inflight['app.long'] === 0)).toHaveLength(3)
    // Sequence numbers go up by one per report, and the headers' by one per datagram.
    expect(all.map((report) => report.sequence)).toEqual(all.map((_report, i) => i))
    expect(receiver.headers()).toEqual(
      receiver.datagrams.map((_d, i) => ({ kind: 'header', clientId: client.clientId, sequence: i })),
    )
    // The end event went out as task_end_success, and no task_start was ever sent.
    expect(receiver.events().map((e) => e.kind)).toEqual(['task_end_success'])
    expect(receiver.rejections()).toEqual([])
    await client.close()
    await receiver.close()
  })

  it('sends a report with every flush, counting concurrent tasks per name', async () => {
    const receiver = await UdpReceiver.start()
    const client = createClient({ port: receiver.port, bufferFlushInterval: 60_000 })
    const endA1 = client.startTimer('a')
    const endA2 = client.startTimer('a')
    client.startTimer('b')
    await client.flush()
    await waitFor('first report', () => receiver.reports().length === 1)
    expect(receiver.reports()[0]?.inflight).toEqual({ a: 2, b: 1 })
    endA1()
    endA2({ status: 'error' })
    await client.flush()
    await waitFor('second report', () => receiver.reports().length === 2)
    expect(receiver.reports()[1]?.inflight).toEqual({ a: 0, b: 1 })
    expect(receiver.reports()[1]?.sequence).toBe(1)
    // close() says nothing is in flight any more: this client can no longer report ends.
    await client.close()
    await waitFor('final report', () => receiver.reports().length === 3)
    expect(receiver.reports()[2]?.inflight).toEqual({ a: 0, b: 0 })
    await receiver.close()
  })

  it('splits a report too large for one datagram, one sequence number per part', async () => {
    const receiver = await UdpReceiver.start()
    const client = createClient({ port: receiver.port, bufferFlushInterval: 60_000, maxBufferSize: 256 })
    const names = Array.from({ length: 40 }, (_, i) => `task_with_a_longish_name_${i}`)
    for (const name of names) client.startTimer(name)
    await client.flush()
    await waitFor(
      'all entries',
      () => receiver.reports().reduce((n, r) => n + Object.keys(r.inflight).length, 0) === 40,
    )
    const reports = receiver.reports()
    expect(reports.length).toBeGreaterThan(1)
    expect(reports.map((report) => report.sequence)).toEqual(reports.map((_report, i) => i))
    const merged = Object.assign({}, ...reports.map((r) => r.inflight)) as Record<string, number>
    expect(Object.keys(merged).sort()).toEqual([...names].sort())
    for (const datagram of receiver.datagrams) expect(datagram.bytes.length).toBeLessThanOrEqual(256)
    await client.close()
    await receiver.close()
  })
})
