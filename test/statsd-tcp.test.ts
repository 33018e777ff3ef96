// The optional StatsD TCP listener against a real agent process (--tcp-port 0): hot-shots'
// unmodified TCP transport, then the bounds over real sockets — a line over 64 KiB is counted as
// line_too_long and its neighbours still count, and past 64 connections a new one is closed at once
// and counted, while the open ones keep working. (The idle timeout is 10 minutes in the agent; its
// behaviour is tested in-process with a short timeout in agent/src/ingest/tcp-listener.test.ts.)
import StatsD from 'hot-shots'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AgentProcess, startAgentProcess } from './harness/agent-process.js'
import { getText, metricsWhen } from './harness/poll.js'
import { sampleValue } from './harness/prometheus-text.js'
import { type TcpConnection, connectTcp, tcpPortOf, writeTcp } from './harness/statsd-text.js'

const MAX_CONNECTIONS = 64
const MAX_LINE_BYTES = 64 * 1024

describe('StatsD over TCP (--tcp-port)', () => {
  let agent: AgentProcess
  let tcpPort: number
  const connections: TcpConnection[] = []

  beforeAll(async () => {
    agent = await startAgentProcess(['--tcp-port', '0'])
    tcpPort = tcpPortOf(agent)
  })

  afterAll(async () => {
    for (const connection of connections) connection.socket.destroy()
    await agent?.stop()
  })

  it('takes hot-shots over its TCP transport, exactly', async () => {
    const errors: Error[] = []
    const client = new StatsD({
      host: '127.0.0.1',
      port: tcpPort,
      protocol: 'tcp',
      datadog: false,
      errorHandler: (err) => errors.push(err),
    })
    for (let i = 0; i < 500; i++) client.timing('tcp.checkout', 2 + (i % 10), { shard: 'a' })
    for (let i = 0; i < 25; i++) client.increment('tcp.orders', 2)
    client.gauge('tcp.depth', 11)
    client.set('tcp.users', 'u1')
    client.set('tcp.users', 'u2')
    await new Promise<void>((resolve) => client.close(() => resolve()))
    const text = await metricsWhen(
      agent,
      '500 TCP timings',
      (body) =>
        sampleValue(body, 'tcp_users') === 2 &&
        sampleValue(body, 'tasks_completed_total', { task: 'tcp.checkout', shard: 'a' }) === 500,
    )
    expect(errors).toEqual([])
    expect(sampleValue(text, 'task_duration_seconds_sum', { task: 'tcp.checkout', shard: 'a' })).toBeCloseTo(
      (50 * (2 + 11) * 10) / 2 / 1000,
      12,
    )
    expect(sampleValue(text, 'tcp_orders_total')).toBe(50)
    expect(sampleValue(text, 'tcp_depth')).toBe(11)
    expect(sampleValue(text, 'taskmeter_tcp_received_bytes_total')).toBeGreaterThan(
      500 * 'tcp.checkout:2|ms|#shard:a\n'.length - 1,
    )
  })

  it(`counts a line over ${MAX_LINE_BYTES} bytes as line_too_long and keeps the lines around it`, async () => {
    const connection = await connectTcp(tcpPort)
    connections.push(connection)
    const long = 'big.metric:' + '1'.repeat(MAX_LINE_BYTES) + '|c\n'
    await writeTcp(connection.socket, 'before.long:1|c\n' + long.slice(0, 1000))
    await writeTcp(connection.socket, long.slice(1000) + 'after.long:1|c\n')
    await writeTcp(connection.socket, 'x'.repeat(MAX_LINE_BYTES - 3) + '|ms\n') // exactly at the limit: decoded (no value)
    const text = await metricsWhen(
      agent,
      'the line after the long one',
      (body) =>
        sampleValue(body, 'after_long_total') === 1 &&
        sampleValue(body, 'taskmeter_lines_invalid_total', { reason: 'no_value' }) === 1,
    )
    expect(sampleValue(text, 'before_long_total')).toBe(1)
    expect(sampleValue(text, 'taskmeter_lines_invalid_total', { reason: 'line_too_long' })).toBe(1)
    expect(text).not.toMatch(/^big_metric/m)
  })

  it(`closes connections past ${MAX_CONNECTIONS} at once, counted; the open ones keep working`, async () => {
    const before = await getText(`${agent.baseUrl}/metrics`)
    const open = sampleValue(before, 'taskmeter_tcp_connections') ?? 0
    for (let i = open; i < MAX_CONNECTIONS; i++) connections.push(await connectTcp(tcpPort))
    await metricsWhen(
      agent,
      `${MAX_CONNECTIONS} open connections`,
      (body) => sampleValue(body, 'taskmeter_tcp_connections') === MAX_CONNECTIONS,
    )
    const rejected = await connectTcp(tcpPort)
    await rejected.closed
    const last = connections[connections.length - 1] as TcpConnection
    await writeTcp(last.socket, 'still.open:1|c\n')
    const text = await metricsWhen(
      agent,
      'the rejection',
      (body) =>
        sampleValue(body, 'taskmeter_tcp_connections_rejected_total') === 1 &&
        sampleValue(body, 'still_open_total') === 1,
    )
    expect(sampleValue(text, 'taskmeter_tcp_connections')).toBe(MAX_CONNECTIONS)
    // Once one leaves, a new client is accepted again.
    last.socket.destroy()
    await metricsWhen(
      agent,
      'one connection to close',
      (body) => sampleValue(body, 'taskmeter_tcp_connections') === MAX_CONNECTIONS - 1,
    )
    const again = await connectTcp(tcpPort)
    connections.push(again)
    await writeTcp(again.socket, 'accepted.again:1|c\n')
    await metricsWhen(agent, 'the new connection to count', (body) => sampleValue(body, 'accepted_again_total') === 1)
  })
})
