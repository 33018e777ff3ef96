// Rate-limited debug logging of rejected input: a flood of bad datagrams must not become a flood
// of log lines. The enabled check is decided once, not per event, so a disabled debug log costs the hot path nothing.
import type { Logger } from '../logger.js'

const MAX_LINES_PER_SECOND = 10

export class RejectLog {
  private readonly logger: Logger | null
  private windowStartMs: number
  private linesInWindow: number
  suppressed: number

  constructor(logger: Logger | null) {
    this.logger = logger?.isLevelEnabled?.('debug') === true ? logger : null
    this.windowStartMs = 0
    this.linesInWindow = 0
    this.suppressed = 0
  }

  get enabled(): boolean {
    return this.logger !== null
  }

  reject(stage: string, reason: string): void {
    if (this.logger === null) return
    const nowMs = Date.now()
    if (nowMs - this.windowStartMs >= 1000) {
      if (this.suppressed > 0)
        this.logger.debug({ suppressed: this.suppressed }, 'rejected input not logged (rate limit)')
      this.windowStartMs = nowMs
      this.linesInWindow = 0
      this.suppressed = 0
    }
    if (this.linesInWindow >= MAX_LINES_PER_SECOND) {
      this.suppressed++
      return
    }
    this.linesInWindow++
    this.logger.debug({ stage, reason }, 'rejected input')
  }
}
