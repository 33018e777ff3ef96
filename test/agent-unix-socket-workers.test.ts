// --workers 2 with --unix-socket: one shard holds the socket file while every shard binds its own
// SO_REUSEPORT UDP socket, so datagrams over the unix socket and over UDP are both counted, and
// UDP sent from many source ports (the kernel spreads them by a hash of the source) reaches both
// workers. SIGTERM removes the socket file.
import { existsSync } from 'node:fs'
import dgram from 'node:dgram'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AgentProcess, startAgentProcess } from './harness/agent-process.js'
import { getJson, metricsWhen } from './harness/poll.js'
import { sampleValue } from './harness/prometheus-text.js'
import { UnixSender } from './harness/unix-sender.js'

const UNIX_DATAGRAMS = 60
const UDP_SOCKETS = 200
const UDP_PER_SOCKET = 2

/** Sends `count` datagrams from one new UDP socket (one source port), each acknowledged. */
async function sendFromNewPort(port: number, text: string, count: number): Promise<void> {
  const socket = dgram.createSocket('udp4')
  try {
    for (let i = 0; i < count; i++)
      await new Promise<void>((resolve, reject) =>
        socket.send(text, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
      )
  } finally {
    await new Promise<void>((resolve) => socket.close(() => resolve()))
  }
}

async function byWorker(agent: AgentProcess): Promise<number[]> {
  const dashboard = await getJson<{ agent: { workers: number; datagrams_by_worker: number[] } }>(
    `${agent.baseUrl}/dashboard`,
  )
  expect(dashboard.agent.workers).toBe(2)
  expect(dashboard.agent.datagrams_by_worker).toHaveLength(2)
  return dashboard.agent.datagrams_by_worker
}

describe('--workers 2 --unix-socket', () => {
  let dir = ''
  let socketPath = ''
  let agent: AgentProcess
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tm-udsw-'))
    socketPath = path.join(dir, 'w.sock')
    agent = await startAgentProcess(['--workers', '2', '--max-series', '1000', '--unix-socket', socketPath])
  })
  afterAll(async () => {
    await agent?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('counts datagrams over the unix socket and over UDP, and both workers read UDP', async () => {
    expect((await stat(socketPath)).isSocket()).toBe(true)
    const sender = new UnixSender(socketPath)
    try {
      for (let i = 0; i < UNIX_DATAGRAMS; i++) await sender.send(Buffer.from('w.uds:1|c|#via:unix'))
    } finally {
      sender.close()
    }
    // Before any UDP: the unix datagrams show which shard holds the socket (all of them on one).
    await metricsWhen(agent, 'the unix datagrams', (body) => sampleValue(body, 'w_uds_total') === UNIX_DATAGRAMS)
    const unixOnly = await byWorker(agent)
    expect([...unixOnly].sort((a, b) => a - b)).toEqual([0, UNIX_DATAGRAMS])
    for (let s = 0; s < UDP_SOCKETS; s++) await sendFromNewPort(agent.udpPort, 'w.udp:1|c|#via:udp', UDP_PER_SOCKET)
    const udp = UDP_SOCKETS * UDP_PER_SOCKET
    const text = await metricsWhen(
      agent,
      'both transports counted',
      (body) =>
        sampleValue(body, 'w_uds_total', { via: 'unix' }) === UNIX_DATAGRAMS &&
        sampleValue(body, 'w_udp_total', { via: 'udp' }) === udp,
    )
    expect(sampleValue(text, 'taskmeter_udp_reader_info', { reader: 'native' })).toBe(1)
    expect(sampleValue(text, 'taskmeter_datagrams_received_total')).toBe(UNIX_DATAGRAMS + udp)
    const all = await byWorker(agent)
    expect(all.reduce((a, b) => a + b, 0)).toBe(UNIX_DATAGRAMS + udp)
    // 200 source ports over 2 SO_REUSEPORT sockets: each worker read some of the UDP.
    const udpByWorker = all.map((n, i) => n - (unixOnly[i] ?? 0))
    expect(
      udpByWorker.every((n) => n > 0),
      JSON.stringify({ all, unixOnly }),
    ).toBe(true)
  })

  it('removes the socket file on SIGTERM', async () => {
    expect(existsSync(socketPath)).toBe(true)
    const code = await agent.stop('SIGTERM')
    expect(code, agent.output()).toBe(0)
    expect(existsSync(socketPath)).toBe(false)
  })
})
