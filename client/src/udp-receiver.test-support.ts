// Test support (not built into dist): a real UDP socket on 127.0.0.1:0 that decodes every
// datagram with the protocol's own decoder, and a poll-with-deadline helper (so tests never sleep a
// fixed time).
import { type Socket, createSocket } from 'node:dgram'
import {
  type DecodedEvent,
  type DecodedHeader,
  type DecodedInflightReport,
  type DecodedItem,
  collectDatagram,
} from '@taskmeter/protocol'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { createClient } from './create-client.js'
import type { TaskmeterClient } from './client.js'
import type { ClientOptions } from './options.js'

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | null | false,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = probe()
    if (value !== undefined && value !== null && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

export interface ReceivedDatagram {
  bytes: Buffer
  atMs: number
  items: DecodedItem[]
  /** Non-null when the protocol decoder rejected the datagram: every test expects null. */
  reason: string | null
}

export class UdpReceiver {
  readonly datagrams: ReceivedDatagram[] = []
  private constructor(
    private readonly socket: Socket,
    readonly port: number,
  ) {}

  static async start(): Promise<UdpReceiver> {
    const socket = createSocket('udp4')
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()))
    const receiver = new UdpReceiver(socket, socket.address().port)
    socket.on('message', (bytes) => {
      const decoded = collectDatagram(bytes)
      receiver.datagrams.push({ bytes, atMs: Date.now(), items: decoded.items, reason: decoded.reason })
    })
    return receiver
  }

  /** Datagrams the decoder rejected, or events in them it skipped: always empty for our client. */
  rejections(): string[] {
    const out: string[] = []
    for (const datagram of this.datagrams) {
      if (datagram.reason !== null) out.push(datagram.reason)
      for (const item of datagram.items) if (item.kind === 'invalid') out.push(item.reason)
    }
    return out
  }

  /** Every event, report and rejection; datagram headers are in headers(). */
  items(): DecodedItem[] {
    const out: DecodedItem[] = []
    for (const datagram of this.datagrams) for (const item of datagram.items) if (item.kind !== 'header') out.push(item)
    return out
  }

  /** Each datagram's header (SPEC.md §3.3), or null for a datagram without one. */
  headers(): Array<DecodedHeader | null> {
    return this.datagrams.map((d) => {
      const first = d.items[0]
      return first?.kind === 'header' ? first : null
    })
  }

  events(): DecodedEvent[] {
    return this.items().filter(
      (item): item is DecodedEvent =>
        item.kind !== 'inflight_report' && item.kind !== 'invalid' && item.kind !== 'header',
    )
  }

  reports(): DecodedInflightReport[] {
    return this.items().filter((item): item is DecodedInflightReport => item.kind === 'inflight_report')
  }

  waitForEvents(count: number, timeoutMs?: number): Promise<DecodedEvent[]> {
    return waitFor(
      `${count} events`,
      () => {
        const events = this.events()
        return events.length >= count ? events : undefined
      },
      timeoutMs,
    )
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()))
  }
}

/** A port on 127.0.0.1 that nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const receiver = await UdpReceiver.start()
  const port = receiver.port
  await receiver.close()
  return port
}

/** A clock the test moves by hand. */
export class ManualClock {
  nowMs = 1000
  readonly now = (): number => this.nowMs
  advance(ms: number): void {
    this.nowMs += ms
  }
}

/** A receiver for the tests of one file, and the client a test connects to it (closed after). */
export class ReceiverFixture {
  private opened: UdpReceiver | null = null
  private connected: TaskmeterClient | null = null

  get receiver(): UdpReceiver {
    if (this.opened === null) throw new Error('the receiver is opened by the fixture hooks, before the test')
    return this.opened
  }

  /** A client that sends to the receiver; failures are counted, not warned about. */
  connect(options: ClientOptions = {}): TaskmeterClient {
    this.connected = createClient({ host: '127.0.0.1', port: this.receiver.port, errorHandler: () => {}, ...options })
    return this.connected
  }

  /** Flushes the connected client, then waits until the receiver holds `count` events. */
  async flushed(count: number): Promise<DecodedEvent[]> {
    await this.connected?.flush()
    return this.receiver.waitForEvents(count)
  }

  async open(): Promise<void> {
    this.opened = await UdpReceiver.start()
  }

  async shut(): Promise<void> {
    await this.connected?.close()
    this.connected = null
    await this.opened?.close()
    this.opened = null
  }
}

/** A new receiver for every test (beforeEach / afterEach). */
export function receiverPerTest(): ReceiverFixture {
  const fixture = new ReceiverFixture()
  beforeEach(() => fixture.open())
  afterEach(() => fixture.shut())
  return fixture
}

/** One receiver for the whole file (beforeAll / afterAll); each test closes its own clients. */
export function receiverPerFile(): ReceiverFixture {
  const fixture = new ReceiverFixture()
  beforeAll(() => fixture.open())
  afterAll(() => fixture.shut())
  return fixture
}
