// Entry point of the decode stage: one call per datagram. Protocol v1 datagrams start with 0xFE,
// which no UTF-8 StatsD line can; everything else is StatsD text (issue 15 adds that decoder —
// until then it is rejected as bad_magic).
import { decodeDatagram, isProtocolDatagram } from '@taskmeter/protocol'
import type { Aggregator } from '../aggregate/aggregator.js'
import { DecodeStats } from './decode-stats.js'
import { type DebugLogger, RejectLog } from './debug-log.js'
import { ProtocolSink } from './protocol-sink.js'

export class DatagramRouter {
  readonly stats = new DecodeStats()
  private readonly rejects: RejectLog
  private readonly protocolSink: ProtocolSink

  private readonly aggregator: Aggregator

  constructor(aggregator: Aggregator, logger: DebugLogger | null) {
    this.aggregator = aggregator
    this.rejects = new RejectLog(logger)
    this.protocolSink = new ProtocolSink(aggregator, this.stats, this.rejects)
  }

  handleDatagram(buf: Uint8Array, length: number): void {
    const stats = this.stats
    stats.datagramsReceived++
    stats.bytesReceived += length
    if (isProtocolDatagram(buf, length)) {
      this.aggregator.beginBatch()
      const reason = decodeDatagram(buf, length, this.protocolSink)
      this.aggregator.endBatch()
      if (reason !== null) {
        stats.datagramInvalid(reason)
        this.rejects.reject('datagram', reason)
      }
      return
    }
    stats.datagramInvalid('bad_magic')
    this.rejects.reject('datagram', 'bad_magic')
  }

  clearCaches(): void {
    this.protocolSink.clearCaches()
  }
}
