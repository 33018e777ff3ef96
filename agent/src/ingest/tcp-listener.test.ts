// The StatsD TCP listener over real loopback sockets, with small bounds so that each one is reached
// quickly: lines reach the aggregator, and the connection cap, the line limit and the idle timeout
// close or skip exactly what they should, each counted.
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { Aggregator } from '../aggregate/aggregator.js'
import { DatagramRouter } from '../decode/datagram-router.js'
import { LINE_REASON_INDEX } from '../decode/statsd-reasons.js'
import type { Logger } from '../logger.js'
import { TcpListener, type TcpListenerOptions } from './tcp-listener.js'

const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} }

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

interface Client {
  socket: net.Socket
  closed: Promise<void>
}

function connect(port: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    const closed = new Promise<void>((done) => socket.once('close', () => done()))
    socket.on('error', () => {})
    socket.once('connect', () => resolve({ socket, closed }))
    socket.once('error', reject)
  })
}

const listeners: TcpListener[] = []
const clients: net.Socket[] = []

async function start(
  overrides: Partial<TcpListenerOptions> = {},
): Promise<{ aggregator: Aggregator; router: DatagramRouter; listener: TcpListener; port: number }> {
  const aggregator = new Aggregator({ windowSeconds: 60, precision: 2, maxSeries: 100 })
  const router = new DatagramRouter(aggregator, null)
  const listener = new TcpListener(
    { host: '127.0.0.1', port: 0, maxConnections: 4, maxLineBytes: 1024, idleTimeoutMs: 60_000, ...overrides },
    router,
    quietLogger,
  )
  listeners.push(listener)
  const { port } = await listener.listen()
  return { aggregator, router, listener, port }
}

async function open(port: number): Promise<Client> {
  const client = await connect(port)
  clients.push(client.socket)
  return client
}

afterEach(async () => {
  for (const socket of clients.splice(0)) socket.destroy()
  for (const listener of listeners.splice(0)) await listener.close()
})

describe('TcpListener', () => {
  it('applies newline-framed lines, cut anywhere by the stream, and counts bytes and connections', async () => {
    const { aggregator, listener, port } = await start()
    const { socket } = await open(port)
    const stream = 'api:12|ms|#env:prod\nhits:2|c\napi:8|ms|#env:prod\n'
    for (let i = 0; i < stream.length; i += 7) socket.write(stream.slice(i, i + 7))
    await until('two timings', () => (aggregator.tasks.get('api{env="prod"}')?.completed === 2 ? true : undefined))
    expect(aggregator.tasks.get('api{env="prod"}')?.sumMs).toBe(20)
    expect(aggregator.custom.get('hits_total')?.value).toBe(2)
    expect(listener.stats).toMatchObject({
      connectionsOpen: 1,
      connectionsAccepted: 1,
      connectionsRejected: 0,
      bytesReceived: stream.length,
    })
  })

  it('applies a last line without newline when the client ends the connection', async () => {
    const { aggregator, listener, port } = await start()
    const { socket, closed } = await open(port)
    socket.end('a:1|c\nb:5|g')
    await closed
    await until('the gauge', () => aggregator.custom.get('b')?.value)
    expect(aggregator.custom.get('a_total')?.value).toBe(1)
    await until('the connection to be gone', () => (listener.stats.connectionsOpen === 0 ? true : undefined))
  })

  it('closes connections past maxConnections at once, counted, and accepts again once one leaves', async () => {
    const { listener, port } = await start({ maxConnections: 2 })
    const first = await open(port)
    await open(port)
    await until('two open', () => (listener.stats.connectionsOpen === 2 ? true : undefined))
    const third = await open(port)
    await third.closed
    expect(listener.stats.connectionsRejected).toBe(1)
    first.socket.destroy()
    await until('one open', () => (listener.stats.connectionsOpen === 1 ? true : undefined))
    await open(port)
    await until('two open again', () => (listener.stats.connectionsOpen === 2 ? true : undefined))
    expect(listener.stats).toMatchObject({ connectionsAccepted: 3, connectionsRejected: 1 })
  })

  it('skips a line over maxLineBytes as line_too_long and keeps the lines around it', async () => {
    const { aggregator, router, port } = await start({ maxLineBytes: 64 })
    const { socket } = await open(port)
    socket.write(`a:1|c\n${'x'.repeat(40)}`)
    socket.write(`${'x'.repeat(40)}:1|c\nb:1|c\n`)
    await until('b', () => aggregator.custom.get('b_total')?.value)
    expect(aggregator.custom.get('a_total')?.value).toBe(1)
    expect(router.statsdStats.linesInvalid[LINE_REASON_INDEX.line_too_long]).toBe(1)
    expect(aggregator.seriesCount).toBe(2)
  })

  it('closes a connection idle for idleTimeoutMs, counted', async () => {
    const { listener, port } = await start({ idleTimeoutMs: 150 })
    const started = Date.now()
    const { socket, closed } = await open(port)
    socket.write('a:1|c\n')
    await closed
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
    await until('the idle close to be counted', () =>
      listener.stats.idleTimeouts === 1 && listener.stats.connectionsOpen === 0 ? true : undefined,
    )
  })

  it('close() ends open connections and stops accepting', async () => {
    const { listener, port } = await start()
    const { closed } = await open(port)
    await listener.close()
    await closed
    await expect(connect(port)).rejects.toThrow(/ECONNREFUSED/)
  })
})
