// `mock: true`: datagrams are decoded back into events in memory and nothing is sent, so an app's
// own tests can assert what it recorded (hot-shots calls its version mockBuffer). Decoding the
// real encoding means a mock sees exactly what the agent would.
import { type DecodedEvent, collectDatagram } from '@taskmeter/protocol'
import type { Transport, TransportListener } from './transport.js'

export type MockEvent = DecodedEvent

export class MockTransport implements Transport {
  readonly events: MockEvent[]
  private readonly listener: TransportListener

  constructor(listener: TransportListener) {
    this.events = []
    this.listener = listener
  }

  send(datagram: Buffer, events: number, reports: number): boolean {
    const items = collectDatagram(datagram).items
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as (typeof items)[number]
      // In-flight reports and headers are the transport's bookkeeping, not what the app recorded.
      if (item.kind !== 'inflight_report' && item.kind !== 'header' && item.kind !== 'invalid') this.events.push(item)
    }
    this.listener.onSent(events, reports)
    return true
  }

  pendingEvents(): number {
    return 0
  }

  idle(): Promise<void> {
    return Promise.resolve()
  }

  close(): Promise<void> {
    return Promise.resolve()
  }
}
