// Events are encoded straight into one preallocated datagram (protocol BatchEncoder); the
// datagram goes to the transport when the next event would not fit, or when the client flushes.
// One transport send per datagram, never per event: the events of a datagram share one syscall.
import { BatchEncoder, type EncodedBytes, MAX_DATAGRAM_BYTES } from '@taskmeter/protocol'
import type { ExemplarIds } from './trace-ids.js'
import type { Transport } from './transport.js'

export class BatchBuffer {
  // Replaced (not reset) when the transport keeps its buffer: see Transport.send.
  private encoder: BatchEncoder
  // Lazily made for the rare event or report entry larger than maxBufferSize (long tags on a small
  // buffer): it goes alone in a bigger datagram, which SPEC.md §1 allows up to 65507 bytes,
  // rather than being lost.
  private oversize: BatchEncoder | null
  private reportsInBatch: number
  private readonly maxDatagramBytes: number
  private readonly transport: Transport
  // Mock mode hands over every event at once so that client.mockEvents is current after each call.
  private readonly sendEachEvent: boolean
  // v1.1 (SPEC.md §3.3): every datagram starts with [0, senderId, sequence]; null sends v1.
  private readonly senderId: EncodedBytes | null
  /** The sequence of the datagram being filled: +1 for each one handed to the transport, sent or not. */
  private sequence: number

  constructor(
    maxDatagramBytes: number,
    transport: Transport,
    sendEachEvent: boolean,
    senderId: EncodedBytes | null,
    firstSequence = 0,
  ) {
    this.senderId = senderId
    this.sequence = firstSequence
    this.encoder = new BatchEncoder(maxDatagramBytes, senderId)
    this.encoder.reset(firstSequence)
    this.oversize = null
    this.reportsInBatch = 0
    this.maxDatagramBytes = maxDatagramBytes
    this.transport = transport
    this.sendEachEvent = sendEachEvent
  }

  /** Events (not reports) waiting in the current datagram. */
  pendingEvents(): number {
    return this.encoder.eventCount - this.reportsInBatch
  }

  isEmpty(): boolean {
    return this.encoder.eventCount === 0
  }

  append(kind: number, name: EncodedBytes, value: number, sampleRate: number, tags: EncodedBytes | null): void {
    if (!this.encoder.append(kind, name, value, sampleRate, tags)) {
      this.send()
      if (!this.encoder.append(kind, name, value, sampleRate, tags)) {
        const big = this.openOversize()
        big.append(kind, name, value, sampleRate, tags)
        this.sendOversize(big.eventCount, 0)
        return
      }
    }
    if (this.sendEachEvent) this.send()
  }

  /**
   * append() with an exemplar right before the event, in the same datagram (SPEC.md §3.4). The
   * ids are staged again on whichever encoder takes the event: send() may replace the encoder,
   * and an oversize event goes through another one. Ids the encoder refuses (all zero) leave the
   * event without an exemplar.
   */
  appendTraced(
    kind: number,
    name: EncodedBytes,
    value: number,
    sampleRate: number,
    tags: EncodedBytes | null,
    ids: ExemplarIds,
  ): void {
    this.encoder.appendExemplar(ids.traceId, ids.spanId)
    if (!this.encoder.append(kind, name, value, sampleRate, tags)) {
      this.encoder.clearExemplar()
      this.send()
      this.encoder.appendExemplar(ids.traceId, ids.spanId)
      if (!this.encoder.append(kind, name, value, sampleRate, tags)) {
        this.encoder.clearExemplar()
        const big = this.openOversize()
        big.appendExemplar(ids.traceId, ids.spanId)
        big.append(kind, name, value, sampleRate, tags)
        this.sendOversize(big.eventCount, 0)
        return
      }
    }
    if (this.sendEachEvent) this.send()
  }

  appendSet(name: EncodedBytes, member: string | Uint8Array, sampleRate: number, tags: EncodedBytes | null): void {
    if (!this.encoder.appendSet(name, member, sampleRate, tags)) {
      this.send()
      if (!this.encoder.appendSet(name, member, sampleRate, tags)) {
        const big = this.openOversize()
        big.appendSet(name, member, sampleRate, tags)
        this.sendOversize(big.eventCount, 0)
        return
      }
    }
    if (this.sendEachEvent) this.send()
  }

  /**
   * Appends the in-flight report `[9, clientId, sequence, intervalMs, {names[i]: counts[i]}]`,
   * split across datagrams when it does not fit, each part with its own sequence number
   * (SPEC.md §3.1). Returns the sequence number after the last part.
   */
  appendReport(
    clientId: EncodedBytes,
    sequence: number,
    intervalMs: number,
    names: readonly EncodedBytes[],
    counts: ArrayLike<number>,
  ): number {
    const encoder = this.encoder
    let from = 0
    for (;;) {
      const before = encoder.eventCount
      const end = encoder.appendInflightReport(clientId, sequence, intervalMs, names, counts, from)
      if (encoder.eventCount > before) {
        this.reportsInBatch++
        sequence = (sequence + 1) >>> 0
        from = end
        if (from >= names.length) return sequence
      } else if (before > 0) {
        this.send() // full: retry on an empty datagram
      } else {
        const big = this.openOversize()
        const bigEnd = big.appendInflightReport(clientId, sequence, intervalMs, names, counts, from)
        if (big.eventCount > 0) this.sendOversize(0, 1)
        else big.reset()
        sequence = (sequence + 1) >>> 0
        // One entry is at most a 200-byte name and a count, far below 65507: this always advances.
        if (bigEnd === from || bigEnd >= names.length) return sequence
        from = bigEnd
      }
    }
  }

  /** Hands the current datagram to the transport, if it holds anything. */
  send(): void {
    const encoder = this.encoder
    if (encoder.eventCount === 0) return
    const reports = this.reportsInBatch
    this.reportsInBatch = 0
    const kept = this.transport.send(encoder.datagram(), encoder.eventCount - reports, reports)
    this.sequence = (this.sequence + 1) >>> 0
    if (kept) encoder.reset(this.sequence)
    else {
      this.encoder = new BatchEncoder(this.maxDatagramBytes, this.senderId)
      this.encoder.reset(this.sequence)
    }
  }

  // The oversize datagram takes the current (empty) datagram's sequence; the next one, the next.
  private sendOversize(events: number, reports: number): void {
    const big = this.oversize as BatchEncoder
    if (!this.transport.send(big.datagram(), events, reports)) this.oversize = null
    this.sequence = (this.sequence + 1) >>> 0
    this.encoder.reset(this.sequence)
  }

  private openOversize(): BatchEncoder {
    if (this.oversize === null) this.oversize = new BatchEncoder(MAX_DATAGRAM_BYTES, this.senderId)
    this.oversize.reset(this.sequence)
    return this.oversize
  }
}
