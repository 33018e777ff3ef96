// Entry point of the decode stage: one call per datagram. Protocol v1 datagrams start with 0xFE,
// which no UTF-8 StatsD line can; everything else is StatsD / DogStatsD text, which also
// arrives in chunks of complete lines from the optional TCP listener.
import { decodeDatagram, isProtocolDatagram } from '@taskmeter/protocol'
import type { Aggregator } from '../aggregate/aggregator.js'
import { DecodeStats } from './decode-stats.js'
import type { Logger } from '../logger.js'
import { RejectLog } from './reject-log.js'
import { ProtocolSink } from './protocol-sink.js'
import { StatsdSink } from './statsd-sink.js'
import { StatsdStats } from './statsd-stats.js'
import { SeriesMapping } from './series-mapping.js'
import type { MetricMapper } from '../mapping/metric-mapper.js'
import type { StatsdTagFormat } from './statsd-tag-formats.js'
import { DEFAULT_MAX_CLIENTS, SenderSequences } from './sender-sequences.js'
import type { ExemplarRecorder } from '../aggregate/exemplar-recorder.js'
import { StatsdExemplars } from './statsd-exemplar-tags.js'

export interface RouterOptions {
  /** The mapping file's rules; absent or null = names as sent. */
  readonly mapper?: MetricMapper | null
  /** --map-protocol: protocol v1 task names go through the rules too. */
  readonly mapProtocol?: boolean
  /** --statsd-tag-formats: the name-embedded tag styles StatsD lines may use (default all). */
  readonly tagFormats?: readonly StatsdTagFormat[]
  /** --max-clients: senders tracked for loss (protocol v1.1 headers). */
  readonly maxClients?: number
  /**
   * Whether this router sees every datagram of its senders: false where several processes read one
   * shared socket (dgram --workers), each a share of every sender's datagrams, which would look lost.
   */
  readonly trackSenders?: boolean
  /** Where exemplars go (protocol type 11, --exemplar-tags); absent or null = read and not kept. */
  readonly exemplars?: ExemplarRecorder | null
  /** --exemplar-tags: the DogStatsD tag keys of the trace and span id; absent or null = those are labels. */
  readonly exemplarTags?: readonly [string, string] | null
}

export class DatagramRouter {
  readonly stats = new DecodeStats()
  readonly statsdStats = new StatsdStats()
  /** Loss per sender; counts nothing when trackSenders is false. */
  readonly senders: SenderSequences
  /** Where this router's exemplars go; null when it keeps none. */
  readonly exemplars: ExemplarRecorder | null
  private readonly rejects: RejectLog
  private readonly protocolSink: ProtocolSink
  private readonly statsdSink: StatsdSink

  private readonly aggregator: Aggregator
  /** Inside beginTurn() … endTurn(): the clock was read once for the whole event-loop turn. */
  private turnOpen: boolean

  constructor(aggregator: Aggregator, logger: Logger | null, options: RouterOptions = {}) {
    this.aggregator = aggregator
    this.rejects = new RejectLog(logger)
    this.senders = new SenderSequences(options.maxClients ?? DEFAULT_MAX_CLIENTS)
    const tracked = options.trackSenders === false ? null : this.senders
    const recorder = options.exemplars ?? null
    this.exemplars = recorder
    this.protocolSink = new ProtocolSink(aggregator, this.stats, this.rejects, tracked, recorder)
    const formats = options.tagFormats === undefined ? undefined : new Set(options.tagFormats)
    const tags = options.exemplarTags ?? null
    const exemplars =
      tags === null || recorder === null ? null : new StatsdExemplars(tags, recorder, this.stats, this.rejects)
    this.statsdSink = new StatsdSink(aggregator, this.stats, this.statsdStats, this.rejects, null, formats, exemplars)
    this.turnOpen = false
    this.mapProtocol = options.mapProtocol === true
    this.setMapper(options.mapper ?? null)
  }

  private readonly mapProtocol: boolean

  /** Rules from a (re)loaded mapping file; series already made keep their figures. */
  setMapper(mapper: MetricMapper | null): void {
    const mapping =
      mapper === null ? null : new SeriesMapping(mapper, this.mapProtocol, this.statsdStats.mappingMatches)
    this.statsdSink.setMapping(mapping)
    this.protocolSink.setTaskMapping(this.mapProtocol ? mapping : null)
  }

  /**
   * The UDP socket delivers up to 32 datagrams per event-loop turn; TurnBatch (turn-batch.ts) reads
   * the clock once for all of them. Measured at 1 StatsD line per datagram: a clock read per
   * datagram was 80 of 270 CPU-ns per line.
   */
  beginTurn(): void {
    this.turnOpen = true
    this.aggregator.beginBatch()
    this.senders.beginTurn()
  }

  endTurn(): void {
    this.turnOpen = false
    this.aggregator.endBatch()
    this.senders.endTurn()
  }

  /** One datagram: `length` bytes of `buf` from `start` (the native reader's batch slots are not at 0). */
  handleDatagram(buf: Uint8Array, length: number, start = 0): void {
    const stats = this.stats
    stats.datagramsReceived++
    stats.bytesReceived += length
    const ownBatch = !this.turnOpen
    if (ownBatch) this.aggregator.beginBatch()
    if (isProtocolDatagram(buf, length, start)) {
      // One view per protocol datagram (it carries a batch of events), so the decoder reads from 0.
      const view = start === 0 ? buf : buf.subarray(start, start + length)
      const reason = decodeDatagram(view, length, this.protocolSink)
      if (reason !== null) {
        stats.datagramInvalid(reason)
        this.rejects.reject('datagram', reason)
      }
    } else this.statsdSink.decodeText(buf, start, start + length)
    if (ownBatch) this.aggregator.endBatch()
  }

  /** A datagram longer than the reader's slot, cut by the kernel: counted, never decoded. */
  handleTruncated(): void {
    this.stats.datagramsReceived++
    this.stats.datagramInvalid('truncated')
    this.rejects.reject('datagram', 'truncated')
  }

  /** Complete StatsD lines from a TCP connection (ingest/tcp-listener.ts). */
  handleText(buf: Uint8Array, start: number, end: number): void {
    const ownBatch = !this.turnOpen
    if (ownBatch) this.aggregator.beginBatch()
    this.statsdSink.decodeText(buf, start, end)
    if (ownBatch) this.aggregator.endBatch()
  }

  /** A TCP line over the listener's limit, discarded before decoding. */
  handleOversizedLine(): void {
    this.statsdStats.linesReceived++
    this.statsdStats.lineInvalid('line_too_long')
    this.rejects.reject('line', 'line_too_long')
  }

  clearCaches(): void {
    this.protocolSink.clearCaches()
    this.statsdSink.clearCaches()
  }
}
