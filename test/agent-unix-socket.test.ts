// --unix-socket end to end: real agent processes read StatsD, DogStatsD and protocol v1 datagrams
// from a unix datagram socket (beside UDP) sent by the real hot-shots (protocol 'uds'), by Python's
// standard library and by a raw unix-dgram socket; the socket file gets the mode asked, a stale
// file is replaced, a live one or a regular file stops the start, SIGTERM loses nothing that was
// queued and removes the file, and the dgram reader refuses the flag.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { BatchEncoder, EVENT_KIND, encodeName, encodeTags } from '@taskmeter/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AgentProcess, runAgentCli, startAgentProcess } from './harness/agent-process.js'
import { expectSamples } from './harness/expect-samples.js'
import { closed, hotShotsFor, sent } from './harness/hot-shots.js'
import { metricsWhen } from './harness/poll.js'
import { sampleValue } from './harness/prometheus-text.js'
import { type ProcessResult, runProcess } from './harness/run-process.js'
import { requireTool } from './harness/system-tool.js'
import { UnixSender, leaveStaleSocket } from './harness/unix-sender.js'

const BASE_ARGS = ['--port', '0', '--udp-port', '0', '--host', '127.0.0.1']

// Blocking sendto: a full queue makes Python wait, so every line is delivered.
const PYTHON_SENDER = `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
for i in range(50):
    s.sendto(b"py.uds.hits:2|c|#lang:python\\npy.uds.job:%d|ms|#queue:a" % (10 + i), sys.argv[1])
s.close()
`

let dir = ''
beforeAll(async () => {
  // A short path: sun_path holds 107 bytes.
  dir = await mkdtemp(path.join(tmpdir(), 'tm-uds-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

function stoppedCounts(agent: AgentProcess): { events_accepted: number; kernel_drops: number } {
  const line = agent
    .output()
    .split('\n')
    .find((l) => l.includes('"msg":"stopped"'))
  expect(line, agent.output()).toBeDefined()
  return JSON.parse(line as string) as { events_accepted: number; kernel_drops: number }
}

/** The run exited with `code` and said why in one line of `text` that names every one of `names`. */
function expectOneLine(result: ProcessResult, code: number, text: string, names: string[]): void {
  expect(result.code, result.output).toBe(code)
  const lines = text.trim().split('\n')
  expect(lines, text).toHaveLength(1)
  for (const name of names) expect(lines[0]).toContain(name)
}

/** A counter line sent to `socketPath` shows up in `agent`'s /metrics. */
async function expectReads(agent: AgentProcess, socketPath: string, counter: string): Promise<void> {
  const sender = new UnixSender(socketPath)
  try {
    await sender.send(Buffer.from(`${counter}:1|c`))
  } finally {
    sender.close()
  }
  const metric = `${counter.replaceAll('.', '_')}_total`
  await metricsWhen(agent, metric, (body) => sampleValue(body, metric) === 1)
}

describe('an agent with --unix-socket', () => {
  let agent: AgentProcess
  let socketPath = ''
  beforeAll(async () => {
    socketPath = path.join(dir, 'agent.sock')
    agent = await startAgentProcess(['--unix-socket', socketPath])
  })
  afterAll(async () => {
    await agent?.stop()
  })

  it('shows what the real hot-shots sent over uds, read by the native reader', async () => {
    const errors: Error[] = []
    const client = hotShotsFor(agent, { protocol: 'uds', path: socketPath, errorHandler: (err) => errors.push(err) })
    for (let i = 0; i < 40; i++) await sent((cb) => client.timing('uds.checkout', 1 + i, { region: 'eu' }, cb))
    for (let i = 0; i < 25; i++) await sent((cb) => client.increment('uds.orders', 2, { payment: 'card' }, cb))
    await sent((cb) => client.gauge('uds.queue', 17, { queue: 'emails' }, cb))
    for (const member of ['alice', 'bob', 'alice', 'carol']) await sent((cb) => client.set('uds.users', member, cb))
    for (let i = 0; i < 10; i++) await sent((cb) => client.histogram('uds.payload', 100 + i, cb))
    for (let i = 0; i < 3; i++) await sent((cb) => client.distribution('uds.batch', 64, cb))
    await closed(client)
    const text = await metricsWhen(agent, 'the hot-shots batch', (body) => sampleValue(body, 'uds_batch_count') === 3)
    expect(errors).toEqual([])
    expectSamples(text, [
      ['taskmeter_udp_reader_info', { reader: 'native' }, 1],
      ['task_duration_seconds_count', { task: 'uds.checkout', region: 'eu' }, 40],
      ['requests_total', { task: 'uds.checkout', region: 'eu', status: 'success' }, 40],
      ['uds_orders_total', { payment: 'card' }, 50],
      ['uds_queue', { queue: 'emails' }, 17],
      ['uds_users', {}, 3],
      ['uds_payload_count', {}, 10],
      ['uds_payload_sum', {}, 1045],
      ['uds_batch_sum', {}, 192],
    ])
    const seconds = sampleValue(text, 'task_duration_seconds_sum', { task: 'uds.checkout' }) ?? 0
    expect(seconds).toBeCloseTo((40 * 41) / 2 / 1000, 9)
  })

  it('counts DogStatsD lines a Python AF_UNIX SOCK_DGRAM socket sent', async () => {
    const python = requireTool('python3', 'apt-get install python3')
    const result = await runProcess(python, ['-c', PYTHON_SENDER, socketPath], { timeoutMs: 20_000, until: 'exit' })
    expect(result.code, result.stderr).toBe(0)
    const text = await metricsWhen(
      agent,
      'the python lines',
      (body) => sampleValue(body, 'task_duration_seconds_count', { task: 'py.uds.job' }) === 50,
    )
    expectSamples(text, [
      ['py_uds_hits_total', { lang: 'python' }, 100],
      ['requests_total', { task: 'py.uds.job', queue: 'a', status: 'success' }, 50],
    ])
    expect(sampleValue(text, 'task_duration_seconds_sum', { task: 'py.uds.job' })).toBeCloseTo(1.725, 9)
  })

  it('counts protocol v1 tasks sent as unix datagrams', async () => {
    const encoder = new BatchEncoder(8192)
    const name = encodeName('v1.uds') as Uint8Array
    const tags = encodeTags({ shard: 'u' }) as Uint8Array
    for (let i = 0; i < 30; i++) encoder.append(EVENT_KIND.task_end_success, name, 5, 1, tags)
    for (let i = 0; i < 7; i++) encoder.append(EVENT_KIND.task_end_error, name, 9, 1, tags)
    const sender = new UnixSender(socketPath)
    try {
      await sender.send(encoder.datagram())
    } finally {
      sender.close()
    }
    const text = await metricsWhen(
      agent,
      'the v1 tasks',
      (body) => sampleValue(body, 'requests_total', { task: 'v1.uds', status: 'error' }) === 7,
    )
    expectSamples(text, [
      ['requests_total', { task: 'v1.uds', shard: 'u', status: 'success' }, 30],
      ['tasks_completed_total', { task: 'v1.uds', shard: 'u' }, 37],
    ])
  })

  it('makes the socket file 0660 by default', async () => {
    const info = await stat(socketPath)
    expect(info.isSocket()).toBe(true)
    expect((info.mode & 0o777).toString(8)).toBe('660')
  })
})

describe('the --unix-socket file', () => {
  it('gets the --unix-socket-mode asked', async () => {
    const socketPath = path.join(dir, 'mode.sock')
    const agent = await startAgentProcess(['--unix-socket', socketPath, '--unix-socket-mode', '0640'])
    try {
      expect(((await stat(socketPath)).mode & 0o777).toString(8)).toBe('640')
    } finally {
      await agent.stop()
    }
  })

  it('replaces a stale socket file and listens on it', async () => {
    const socketPath = path.join(dir, 'stale.sock')
    leaveStaleSocket(socketPath)
    expect((await stat(socketPath)).isSocket()).toBe(true)
    const agent = await startAgentProcess(['--unix-socket', socketPath])
    try {
      // Connecting to the stale file would be refused: a delivered line shows the agent's own socket.
      await expectReads(agent, socketPath, 'stale.replaced')
    } finally {
      await agent.stop()
    }
  })

  it('stops a second agent on a live socket with exit 1 and one line naming the flag and path', async () => {
    const socketPath = path.join(dir, 'live.sock')
    const first = await startAgentProcess(['--unix-socket', socketPath])
    try {
      const inode = (await stat(socketPath)).ino
      const second = await runAgentCli([...BASE_ARGS, '--unix-socket', socketPath])
      expectOneLine(second, 1, second.stderr, ['--unix-socket', socketPath])
      // The first agent keeps its file and still reads it.
      expect((await stat(socketPath)).ino).toBe(inode)
      await expectReads(first, socketPath, 'live.kept')
    } finally {
      await first.stop()
    }
  })

  it('refuses a regular file at the path with exit 1 and leaves it unchanged', async () => {
    const filePath = path.join(dir, 'regular.sock')
    await writeFile(filePath, 'not a socket\n', { mode: 0o600 })
    const result = await runAgentCli([...BASE_ARGS, '--unix-socket', filePath])
    expectOneLine(result, 1, result.stderr, ['--unix-socket', filePath])
    const info = await stat(filePath)
    expect(info.isFile()).toBe(true)
    expect(info.mode & 0o777).toBe(0o600)
    expect(await readFile(filePath, 'utf8')).toBe('not a socket\n')
  })

  it('on SIGTERM reads every queued datagram, then removes the file', async () => {
    const socketPath = path.join(dir, 'term.sock')
    const agent = await startAgentProcess(['--unix-socket', socketPath])
    const EVENTS = 100_000
    const name = encodeName('uds.burst') as Uint8Array
    const encoder = new BatchEncoder(8192)
    const datagrams: Uint8Array[] = []
    for (let i = 0; i < EVENTS; i++) {
      if (encoder.append(EVENT_KIND.timing, name, 1 + (i % 100), 1, null)) continue
      datagrams.push(encoder.datagram().slice())
      encoder.reset()
      encoder.append(EVENT_KIND.timing, name, 1 + (i % 100), 1, null)
    }
    datagrams.push(encoder.datagram().slice())
    const sender = new UnixSender(socketPath)
    try {
      // As fast as the queue takes them: a full queue is waited out, never a loss.
      for (const datagram of datagrams) await sender.send(datagram)
    } finally {
      sender.close()
    }
    expect(sender.datagramsSent).toBe(datagrams.length)
    const code = await agent.stop('SIGTERM')
    expect(code).toBe(0)
    const counts = stoppedCounts(agent)
    expect(counts.kernel_drops).toBe(0)
    expect(counts.events_accepted).toBe(EVENTS)
    expect(existsSync(socketPath)).toBe(false)
  })

  it('is refused with --udp-reader dgram: exit 2 and one config line', async () => {
    const socketPath = path.join(dir, 'dgram.sock')
    const result = await runAgentCli([...BASE_ARGS, '--udp-reader', 'dgram', '--unix-socket', socketPath])
    expectOneLine(result, 2, result.output, ['--unix-socket', '--udp-reader dgram'])
    expect(existsSync(socketPath)).toBe(false)
  })
})

it('names the socket file in its listening line', async () => {
  const socketPath = path.join(dir, 'info.sock')
  const agent = await startAgentProcess(['--unix-socket', socketPath])
  try {
    expect(agent.output()).toContain(`"unix_socket":"${socketPath}"`)
  } finally {
    await agent.stop()
  }
})
