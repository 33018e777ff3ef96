// Sends raw StatsD text to an agent over real UDP or TCP (the StatsD end-to-end tests), and reads
// the StatsD TCP port from the agent's startup line.
import dgram from 'node:dgram'
import net from 'node:net'
import type { AgentProcess } from './agent-process.js'

/** One datagram per entry, each awaited, so that loopback never drops. */
export async function sendUdpDatagrams(port: number, datagrams: readonly string[]): Promise<void> {
  const socket = dgram.createSocket('udp4')
  try {
    for (const text of datagrams) {
      await new Promise<void>((resolve, reject) =>
        socket.send(Buffer.from(text), port, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
      )
    }
  } finally {
    socket.close()
  }
}

/** The port of `"tcp":"host:port"` in the agent's "listening" line (agent started with --tcp-port 0). */
export function tcpPortOf(agent: AgentProcess): number {
  const match = /"tcp":"[^"]*:(\d+)"/.exec(agent.output())
  if (match === null) throw new Error(`no "tcp" address in the agent's startup line:\n${agent.output()}`)
  return Number(match[1])
}

export interface TcpConnection {
  readonly socket: net.Socket
  readonly closed: Promise<void>
}

export function connectTcp(port: number): Promise<TcpConnection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    const closed = new Promise<void>((done) => socket.once('close', () => done()))
    socket.on('error', () => {}) // a reset by the agent shows as 'close'
    socket.once('connect', () => resolve({ socket, closed }))
    socket.once('error', reject)
  })
}

/** Writes all of `text` and waits until the kernel took it. */
export function writeTcp(socket: net.Socket, text: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => socket.write(text, (err) => (err ? reject(err) : resolve())))
}
