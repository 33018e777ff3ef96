// Loss per sender end to end (protocol v1.1 headers, SPEC.md §3.3): the TS and Python clients send
// to the agent through a UDP relay that drops every 10th datagram (exactly 10 % must be reported
// lost, in taskmeter_protocol_datagrams_lost_total and in /dashboard's client row), or reorders and
// duplicates within a small window (nothing lost); a client closed and a new one under the same
// clientId is a restart, not a loss; and the same with --workers 2, whose primary shows the shard's
// senders.
import path from 'node:path'
import { createClient } from '@taskmeter/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AgentProcess, REPO_ROOT, runAgentCli, startAgentProcess } from './harness/agent-process.js'
import { getJson, getText, waitFor } from './harness/poll.js'
import { sampleValue } from './harness/prometheus-text.js'
import { runProcess } from './harness/run-process.js'
import { requireTool } from './harness/system-tool.js'
import { type RelayDecision, UdpRelay } from './harness/udp-relay.js'

const DATAGRAMS = 1000

interface ClientRow {
  id: string
  received: number
  lost: number
  restarts: number
  last_seen: number
}

const dropEveryTenth = (index: number): RelayDecision => (index % 10 === 0 ? 'drop' : 'pass')

async function lostTotal(agent: AgentProcess): Promise<number> {
  return sampleValue(await getText(`${agent.baseUrl}/metrics`), 'taskmeter_protocol_datagrams_lost_total') ?? -1
}

/** The client's row once it holds `received` datagrams and its gaps are settled (1 s of silence). */
async function settledRow(agent: AgentProcess, id: string, received: number): Promise<ClientRow> {
  return waitFor(
    `${id}: ${received} datagrams received and settled`,
    async () => {
      const { clients } = await getJson<{ clients: ClientRow[] }>(`${agent.baseUrl}/dashboard`)
      const row = clients.find((c) => c.id === id)
      return row !== undefined && row.received === received && Date.now() - row.last_seen > 1500 ? row : undefined
    },
    20_000,
    100,
  )
}

/** DATAGRAMS datagrams from the TS client: one event, then a flush, each. */
async function sendTs(port: number, clientId: string, count = DATAGRAMS): Promise<void> {
  const client = createClient({
    port,
    clientId,
    bufferFlushInterval: 60_000,
    errorHandler: (e) => expect.fail(e.message),
  })
  for (let i = 0; i < count; i++) {
    client.increment('loss.test')
    await client.flush()
  }
  expect(client.stats().datagrams).toBe(count)
  await client.close()
}

const PYTHON_SENDER = `
import sys
sys.path.insert(0, sys.argv[1])
from taskmeter import Client
client = Client("127.0.0.1", int(sys.argv[2]), client_id=sys.argv[3], buffer_flush_interval=60000)
for i in range(int(sys.argv[4])):
    client.increment("loss.test")
    client.flush()
assert client.stats()["dropped"] == {}, client.stats()
client.close()
`

async function sendPython(port: number, clientId: string): Promise<void> {
  const python = requireTool('python3', 'apt-get install python3 (Python >= 3.9)')
  const packageDir = path.join(REPO_ROOT, 'clients', 'python')
  const args = ['-c', PYTHON_SENDER, packageDir, String(port), clientId, String(DATAGRAMS)]
  const result = await runProcess(python, args, { timeoutMs: 60_000, until: 'exit' })
  expect(result.code, result.output).toBe(0)
}

/** Sends through a relay; returns what the relay forwarded. */
async function throughRelay(
  agent: AgentProcess,
  decide: (index: number) => RelayDecision,
  send: (port: number) => Promise<void>,
  holdCount = 1,
): Promise<number> {
  const relay = await UdpRelay.start(agent.udpPort, decide, holdCount)
  try {
    await send(relay.port)
    await waitFor('the relay to receive every datagram', () => (relay.received >= DATAGRAMS ? true : undefined))
    relay.flush()
    expect(relay.received).toBe(DATAGRAMS)
    return relay.forwarded
  } finally {
    await relay.close()
  }
}

function lossSuite(name: string, args: string[]): void {
  describe(name, () => {
    let agent: AgentProcess
    beforeAll(async () => {
      agent = await startAgentProcess(args)
    }, 30_000)
    afterAll(async () => {
      await agent?.stop()
    })

    it('TS client, every 10th datagram dropped: exactly 10 % lost', async () => {
      const before = await lostTotal(agent)
      const forwarded = await throughRelay(agent, dropEveryTenth, (port) => sendTs(port, `ts-drop-${name}`))
      expect(forwarded).toBe(DATAGRAMS * 0.9)
      const row = await settledRow(agent, `ts-drop-${name}`, forwarded)
      expect(row).toMatchObject({ received: 900, lost: 100, restarts: 0 })
      expect(row.lost / (row.received + row.lost)).toBe(0.1)
      expect((await lostTotal(agent)) - before).toBe(100)
      // doctor names the sender and the figure.
      const doctor = await runAgentCli(['doctor', '--agent-url', agent.baseUrl], {}, 20_000)
      expect(doctor.stdout).toMatch(
        new RegExp(`✗ sender loss +ts-drop-${name} lost 100 of 1000 datagrams \\(10\\.0 %\\)`),
      )
      expect(doctor.code).toBe(1)
    }, 60_000)

    it('Python client, every 10th datagram dropped: exactly 10 % lost', async () => {
      const before = await lostTotal(agent)
      const forwarded = await throughRelay(agent, dropEveryTenth, (port) => sendPython(port, `py-drop-${name}`))
      const row = await settledRow(agent, `py-drop-${name}`, forwarded)
      expect(row).toMatchObject({ received: 900, lost: 100, restarts: 0 })
      expect((await lostTotal(agent)) - before).toBe(100)
    }, 90_000)

    it('datagrams reordered in groups of 16, every 50th twice: nothing lost', async () => {
      const before = await lostTotal(agent)
      const id = `ts-reorder-${name}`
      // Each group of 16 goes out reversed; a duplicate goes at once and again in its group.
      const reorder = (index: number): RelayDecision => (index % 50 === 7 ? 'twice' : 'hold')
      const forwarded = await throughRelay(agent, reorder, (port) => sendTs(port, id), 16)
      expect(forwarded).toBe(DATAGRAMS + DATAGRAMS / 50)
      const row = await settledRow(agent, id, forwarded)
      expect(row).toMatchObject({ lost: 0, restarts: 0 })
      expect((await lostTotal(agent)) - before).toBe(0)
    }, 60_000)

    it('a client closed and a new one under the same clientId: a restart, no loss', async () => {
      const before = await lostTotal(agent)
      const id = `ts-restart-${name}`
      await sendTs(agent.udpPort, id, 300)
      await sendTs(agent.udpPort, id, 300)
      const row = await settledRow(agent, id, 600)
      expect(row).toMatchObject({ lost: 0, restarts: 1 })
      expect((await lostTotal(agent)) - before).toBe(0)
      expect(sampleValue(await getText(`${agent.baseUrl}/metrics`), 'taskmeter_protocol_clients')).toBeGreaterThan(0)
    }, 60_000)
  })
}

lossSuite('one process', [])
// --max-series keeps two workers' worst case under the default --max-memory.
lossSuite('--workers 2', ['--workers', '2', '--udp-reader', 'native', '--max-series', '1000'])
