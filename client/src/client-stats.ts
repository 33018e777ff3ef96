// The client's own telemetry (client.stats()) and the one place failures are reported: counted by
// reason, then handed to errorHandler inside try/catch, or, with no handler, one console.warn per
// client and silence after (a throwing handler or a dead agent never reaches the app).
import { DROP_REASONS, type DropReason, TaskmeterDropError, type TaskmeterError } from './errors.js'
import type { ErrorHandler } from './options.js'

export interface ClientStats {
  /** Events accepted by the socket (or recorded, in mock mode). */
  sent: number
  /** Datagrams accepted by the socket. */
  datagrams: number
  /** In-flight reports accepted by the socket. */
  reports: number
  /** Events buffered or handed to the socket and not yet confirmed. */
  pending: number
  /** Events skipped by sampling (sent ones carry the rate, so the agent scales them back up). */
  sampledOut: number
  /** Socket errors not tied to one send, e.g. ICMP port unreachable while the agent is down. */
  socketErrors: number
  /** Events dropped, by reason; only reasons that happened are listed. */
  dropped: Partial<Record<DropReason, number>>
}

const REASON_INDEX = new Map<string, number>()
DROP_REASONS.forEach((reason, i) => {
  REASON_INDEX.set(reason, i)
})

export class ClientTelemetry {
  sent: number
  datagrams: number
  reports: number
  sampledOut: number
  socketErrors: number
  private readonly droppedByReason: Float64Array
  private readonly errorHandler: ErrorHandler | null
  private warned: boolean

  constructor(errorHandler: ErrorHandler | null, silent: boolean) {
    this.sent = 0
    this.datagrams = 0
    this.reports = 0
    this.sampledOut = 0
    this.socketErrors = 0
    this.droppedByReason = new Float64Array(DROP_REASONS.length)
    this.errorHandler = errorHandler
    this.warned = silent
  }

  /** Counts and reports the drop; returns the error it reported (a stat callback gets it too). */
  drop(reason: DropReason, eventCount: number, message: string, cause?: unknown): TaskmeterDropError {
    const index = REASON_INDEX.get(reason) ?? REASON_INDEX.get('bad_argument') ?? 0
    this.droppedByReason[index] = (this.droppedByReason[index] ?? 0) + eventCount
    const error = new TaskmeterDropError(reason, eventCount, `taskmeter client: ${message}`, cause)
    this.report(error)
    return error
  }

  socketError(error: TaskmeterError): void {
    this.socketErrors++
    this.report(error)
  }

  private report(error: TaskmeterError): void {
    const handler = this.errorHandler
    if (handler !== null) {
      try {
        handler(error)
      } catch {
        // The handler is the app's code; its failure must not break the call that reported.
      }
      return
    }
    if (this.warned) return
    this.warned = true
    try {
      console.warn(`${error.message} (further failures are counted in client.stats() without warning)`)
    } catch {
      // console can be replaced by the app; nothing more to do.
    }
  }

  snapshot(pending: number): ClientStats {
    const dropped: Partial<Record<DropReason, number>> = {}
    for (let i = 0; i < DROP_REASONS.length; i++) {
      const count = this.droppedByReason[i] ?? 0
      if (count > 0) dropped[DROP_REASONS[i] as DropReason] = count
    }
    return {
      sent: this.sent,
      datagrams: this.datagrams,
      reports: this.reports,
      pending,
      sampledOut: this.sampledOut,
      socketErrors: this.socketErrors,
      dropped,
    }
  }
}
