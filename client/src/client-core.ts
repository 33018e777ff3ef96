// State shared by a client and all its children: one batch, one socket, one in-flight tracker,
// one flush timer, one set of stats. Children differ only in prefix and tags (client.ts).
import { randomBytes } from 'node:crypto'
import { type EncodedBytes, encodeClientId, encodeSenderId } from '@taskmeter/protocol'
import { BatchBuffer } from './batch-buffer.js'
import { type ActiveSpan, activeSpanSource } from './active-span.js'
import { ClientTelemetry, type ClientStats } from './client-stats.js'
import { TaskmeterError } from './errors.js'
import { type ExitFlushable, registerExitFlush, unregisterExitFlush } from './exit-flush.js'
import { InflightTracker } from './inflight.js'
import { MockTransport } from './mock-transport.js'
import type { ResolvedOptions } from './options.js'
import type { ExemplarIds } from './trace-ids.js'
import type { Transport, TransportListener } from './transport.js'
import { UdpTransport } from './udp-transport.js'

// Task names report() asks the agent about; more are not remembered (names are app input).
const MAX_REPORT_TASKS = 1000

export class ClientCore implements TransportListener, ExitFlushable {
  readonly options: ResolvedOptions
  readonly telemetry: ClientTelemetry
  readonly inflight: InflightTracker
  /** Names this client in each datagram's header (SPEC.md §3.3): the clientId option or its default. */
  readonly clientId: string
  readonly taskNames: Set<string>
  readonly mock: MockTransport | null
  /** The app's active OpenTelemetry span; null without the API or with exemplars off. */
  readonly activeSpan: ActiveSpan | null
  closed: boolean
  // The in-flight reports' own id, random per instance (SPEC.md §3.1): a clientId the app fixes is
  // reused by the next instance, whose report sequence restarts at 0, and the agent ignores a
  // report older than the last one stored for its id.
  private readonly reportIdBytes: EncodedBytes
  private readonly transport: Transport
  private readonly batch: BatchBuffer
  private sequence: number
  private timer: NodeJS.Timeout | null
  private closing: Promise<void> | null

  constructor(options: ResolvedOptions) {
    this.options = options
    this.telemetry = new ClientTelemetry(options.errorHandler, options.mock)
    this.inflight = new InflightTracker()
    this.clientId = options.clientId
    this.taskNames = new Set()
    this.mock = options.mock ? new MockTransport(this) : null
    this.activeSpan = options.exemplars ? activeSpanSource() : null
    this.closed = false
    this.reportIdBytes = encodeClientId(randomBytes(8).toString('hex')) as EncodedBytes
    this.transport = this.mock ?? new UdpTransport(options.host, options.port, this, options.now)
    const senderId = options.sequence ? (encodeSenderId(options.clientId) as EncodedBytes) : null
    this.batch = new BatchBuffer(options.maxDatagramBytes, this.transport, options.mock, senderId)
    this.sequence = 0
    this.timer = null
    this.closing = null
    if (!options.mock) registerExitFlush(this)
  }

  /** The hot path's last step: the event is valid and its bytes are ready. */
  emit(kind: number, name: EncodedBytes, value: number, sampleRate: number, tags: EncodedBytes | null): void {
    this.batch.append(kind, name, value, sampleRate, tags)
    if (this.timer === null) this.armTimer()
  }

  /** emit() with the trace behind the event (an exemplar, SPEC.md §3.4) in front of it. */
  emitTraced(
    kind: number,
    name: EncodedBytes,
    value: number,
    sampleRate: number,
    tags: EncodedBytes | null,
    ids: ExemplarIds,
  ): void {
    this.batch.appendTraced(kind, name, value, sampleRate, tags, ids)
    if (this.timer === null) this.armTimer()
  }

  /** A set member (protocol kind set), validated like emit()'s events. */
  emitSet(name: EncodedBytes, member: string | Uint8Array, sampleRate: number, tags: EncodedBytes | null): void {
    this.batch.appendSet(name, member, sampleRate, tags)
    if (this.timer === null) this.armTimer()
  }

  rememberTask(fullName: string): void {
    if (this.taskNames.size < MAX_REPORT_TASKS) this.taskNames.add(fullName)
  }

  /** A task started: in-flight reports are now due every interval (the heartbeat). */
  inflightChanged(): void {
    if (this.timer === null && !this.closed) this.armTimer()
  }

  /** Sends the buffered datagram, preceded by an in-flight report when one is due. Never throws. */
  flushNow(): void {
    this.sendBatch(false)
  }

  flushBeforeExit(): void {
    if (!this.batch.isEmpty()) this.flushNow()
  }

  async flush(): Promise<void> {
    if (!this.closed) this.flushNow()
    await this.transport.idle()
  }

  close(): Promise<void> {
    if (this.closing === null) this.closing = this.closeOnce()
    return this.closing
  }

  stats(): ClientStats {
    return this.telemetry.snapshot(this.batch.pendingEvents() + this.transport.pendingEvents())
  }

  onSent(events: number, reports: number): void {
    this.telemetry.sent += events
    this.telemetry.reports += reports
    this.telemetry.datagrams++
  }

  onSendFailed(events: number, _reports: number, cause: unknown): void {
    const detail = cause instanceof Error ? cause.message : String(cause)
    this.telemetry.drop(
      'send_failed',
      events,
      `could not send to ${this.options.host}:${this.options.port}: ${detail}`,
      cause,
    )
  }

  onSocketError(cause: unknown): void {
    const detail = cause instanceof Error ? cause.message : String(cause)
    this.telemetry.socketError(
      new TaskmeterError(
        'TM_ERR_SOCKET',
        `taskmeter client: socket to ${this.options.host}:${this.options.port}: ${detail}`,
        cause,
      ),
    )
  }

  private async closeOnce(): Promise<void> {
    this.closed = true
    this.disarmTimer()
    unregisterExitFlush(this)
    this.sendBatch(true)
    await this.transport.close()
  }

  // The batch, preceded by an in-flight report while tasks are tracked; the final one (close)
  // reports every task at 0. Never throws: a failure counts the batch's events as send_failed.
  private sendBatch(final: boolean): void {
    try {
      if (this.inflight.hasEntries()) {
        if (final) this.inflight.prepareFinalReport()
        else this.inflight.prepareReport()
        this.appendReport()
      }
      this.batch.send()
    } catch (error) {
      this.telemetry.drop(
        'send_failed',
        this.batch.pendingEvents(),
        final ? 'final flush failed' : 'flush failed',
        error,
      )
    }
  }

  private appendReport(): void {
    const inflight = this.inflight
    this.sequence = this.batch.appendReport(
      this.reportIdBytes,
      this.sequence,
      this.options.flushIntervalMs,
      inflight.reportNames,
      inflight.reportCounts,
    )
  }

  // The timer runs only while there is something to send or report, so an idle client costs no
  // wakeups; it is unref()ed so it never keeps the process alive (beforeExit flushes instead).
  private armTimer(): void {
    this.timer = setInterval(() => this.onTick(), this.options.flushIntervalMs)
    this.timer.unref()
  }

  private disarmTimer(): void {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
  }

  private onTick(): void {
    if (this.batch.isEmpty() && !this.inflight.hasEntries()) {
      this.disarmTimer()
      return
    }
    this.flushNow()
  }
}
