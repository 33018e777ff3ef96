// GET /dashboard/history over real HTTP, fed over real UDP: one task's window slot by slot, each
// slot with its own figures, with one reader and with --workers 2 (the primary's slots are merged
// from the shards before the read). A 12 s window has 1 s slots, so three bursts 1.2 s apart land
// in three slots without a long wait.
import { EVENT_KIND, type EncodedBytes, encodeName } from '@taskmeter/protocol'
import { describe, expect, it } from 'vitest'
import type { DashboardSnapshot, TaskWindowHistory } from '../agent/ui/src/dashboard-types.js'
import type { AgentProcess } from './harness/agent-process.js'
import { agentPerSuite } from './harness/agent-suite.js'
import { getJson, waitFor } from './harness/poll.js'
import { UdpSender } from './harness/udp-sender.js'

const single = agentPerSuite(['--window', '12'])
const sharded = agentPerSuite(['--window', '12', '--workers', '2', '--max-series', '100'])

const BURSTS = [
  { ms: 1, errors: 0 },
  { ms: 20, errors: 10 },
  { ms: 300, errors: 0 },
] as const
const PER_BURST = 30

function name(text: string): EncodedBytes {
  const encoded = encodeName(text)
  if (typeof encoded === 'string') throw new Error(encoded)
  return encoded
}

/** Sends three bursts to the agent, then checks its history of them slot by slot. */
async function checkBursts(agent: () => AgentProcess): Promise<void> {
  const sender = new UdpSender(agent().udpPort)
  for (const [b, burst] of BURSTS.entries()) {
    if (b > 0) await new Promise((resolve) => setTimeout(resolve, 1_200))
    for (let i = 0; i < PER_BURST; i++) {
      const kind = i < burst.errors ? EVENT_KIND.task_end_error : EVENT_KIND.task_end_success
      await sender.append(kind, name('render'), burst.ms)
    }
    await sender.flush()
  }
  sender.close()
  const url = `${agent().baseUrl}/dashboard/history?task=render`
  const history = await waitFor('the history of 90 requests', async () => {
    const body = await getJson<TaskWindowHistory>(url)
    return body.slots.reduce((n, s) => n + s.requests, 0) === 90 ? body : undefined
  })
  expect(history).toMatchObject({ task: 'render', window_seconds: 12, slot_seconds: 1 })
  expect(history.slots.length).toBeGreaterThanOrEqual(3)
  expect(history.slots.length).toBeLessThanOrEqual(12)
  expect(history.slots.at(-1)?.end_seconds_ago).toBe(0)
  for (let i = 1; i < history.slots.length; i++)
    expect(history.slots[i]?.end_seconds_ago).toBeLessThan(history.slots[i - 1]?.end_seconds_ago ?? 0)

  // A burst may straddle a slot boundary; either way every busy slot holds one burst's latency,
  // the bursts in the order they were sent, with that burst's errors.
  const busy = history.slots.filter((s) => s.requests > 0)
  const burstOf = (p50: number): number => BURSTS.findIndex((b) => Math.abs(p50 - b.ms) / b.ms < 0.02)
  const order = busy.map((s) => burstOf(s.latency_ms.p50))
  expect(order).toEqual([...order].sort())
  expect(new Set(order)).toEqual(new Set([0, 1, 2]))
  for (const [b, burst] of BURSTS.entries()) {
    const slots = busy.filter((s) => burstOf(s.latency_ms.p50) === b)
    expect(
      slots.reduce((n, s) => n + s.requests, 0),
      `burst ${b}`,
    ).toBe(PER_BURST)
    expect(
      slots.reduce((n, s) => n + s.errors, 0),
      `burst ${b}`,
    ).toBe(burst.errors)
    for (const s of slots) expect(s.latency_ms.p99).toBeCloseTo(burst.ms, burst.ms < 10 ? 1 : -1)
  }
  for (const s of history.slots) {
    expect(s.covered_seconds).toBeLessThanOrEqual(1)
    // covered_seconds is rounded to 1 ms, so rps × covered_seconds is off by at most rps × 0.5 ms.
    if (s.covered_seconds > 0)
      expect(Math.abs(s.rps * s.covered_seconds - s.requests)).toBeLessThanOrEqual(s.rps * 0.0005 + 0.001)
    expect(s.error_rate).toBe(s.requests > 0 ? s.errors / s.requests : 0)
  }

  // The slots add up to the window /dashboard reports (nothing has left the 12 s window yet).
  const dashboard = await getJson<DashboardSnapshot>(`${agent().baseUrl}/dashboard`)
  expect(dashboard.tasks.render?.window.requests).toBe(90)
  expect(dashboard.tasks.render?.window.errors).toBe(10)
}

describe('GET /dashboard/history', () => {
  it("lists the window's slots oldest first, each with its own requests, errors, rate and percentiles", async () => {
    await checkBursts(single)
  })

  it('reads the same slots under --workers 2, merged from both shards', async () => {
    await checkBursts(sharded)
  })

  it('answers 400 without a task and 404 for an unknown one', async () => {
    expect((await fetch(`${single().baseUrl}/dashboard/history`)).status).toBe(400)
    expect((await fetch(`${single().baseUrl}/dashboard/history?task=`)).status).toBe(400)
    const unknown = await fetch(`${single().baseUrl}/dashboard/history?task=nope`)
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toEqual({ error: 'unknown task' })
  })
})
