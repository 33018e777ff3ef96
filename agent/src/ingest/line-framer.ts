// Newline framing for StatsD over TCP: chunks arrive cut anywhere, lines end at '\n'. Complete
// lines are handed on in runs straight from the chunk (no copy); only a line cut by a chunk edge is
// copied, into one per-connection buffer that grows up to maxLineBytes. A line longer than that is
// counted once and skipped up to its newline, so one bad client cannot make the agent buffer
// without bound.

export interface TextHandler {
  /** Complete lines in bytes [start, end) (each may end in '\n'; the last may not). */
  handleText(buf: Uint8Array, start: number, end: number): void
  /** One line over the limit was discarded. */
  handleOversizedLine(): void
}

const NEWLINE = 0x0a
const INITIAL_PENDING_BYTES = 1024

export class LineFramer {
  private readonly handler: TextHandler
  private readonly maxLineBytes: number
  private pending: Uint8Array | null
  private pendingLength: number
  /** Inside a line already counted as too long: skip to its newline. */
  private discarding: boolean

  constructor(handler: TextHandler, maxLineBytes: number) {
    this.handler = handler
    this.maxLineBytes = maxLineBytes
    this.pending = null
    this.pendingLength = 0
    this.discarding = false
  }

  push(chunk: Uint8Array): void {
    const n = chunk.length
    let p = 0
    if (this.discarding) {
      const newline = chunk.indexOf(NEWLINE)
      if (newline < 0) return
      this.discarding = false
      p = newline + 1
    }
    if (this.pendingLength > 0) {
      const newline = chunk.indexOf(NEWLINE, p)
      const partEnd = newline < 0 ? n : newline
      if (this.pendingLength + (partEnd - p) > this.maxLineBytes) {
        this.pendingLength = 0
        this.handler.handleOversizedLine()
        if (newline < 0) {
          this.discarding = true
          return
        }
      } else {
        this.append(chunk, p, partEnd)
        if (newline < 0) return
        const length = this.pendingLength
        this.pendingLength = 0
        this.handler.handleText(this.pending as Uint8Array, 0, length)
      }
      p = newline + 1
    }
    // Whole lines: one handleText per run of lines within the limit.
    let runStart = p
    let lineStart = p
    while (lineStart < n) {
      const newline = chunk.indexOf(NEWLINE, lineStart)
      if (newline < 0) break
      if (newline - lineStart > this.maxLineBytes) {
        if (lineStart > runStart) this.handler.handleText(chunk, runStart, lineStart)
        this.handler.handleOversizedLine()
        runStart = newline + 1
      }
      lineStart = newline + 1
    }
    if (lineStart > runStart) this.handler.handleText(chunk, runStart, lineStart)
    // The cut-off start of the next line.
    const tail = n - lineStart
    if (tail > this.maxLineBytes) {
      this.handler.handleOversizedLine()
      this.discarding = true
    } else if (tail > 0) this.append(chunk, lineStart, n)
  }

  /** The connection ended: a last line without '\n' still counts (as etsy StatsD's TCP server). */
  end(): void {
    const length = this.pendingLength
    this.pendingLength = 0
    this.discarding = false
    if (length > 0) this.handler.handleText(this.pending as Uint8Array, 0, length)
  }

  private append(chunk: Uint8Array, start: number, end: number): void {
    const needed = this.pendingLength + (end - start)
    let pending = this.pending
    if (pending === null || pending.length < needed) {
      let size = pending === null ? INITIAL_PENDING_BYTES : pending.length
      while (size < needed) size *= 2
      const grown = new Uint8Array(Math.min(size, this.maxLineBytes))
      if (pending !== null) grown.set(pending.subarray(0, this.pendingLength))
      this.pending = grown
      pending = grown
    }
    pending.set(chunk.subarray(start, end), this.pendingLength)
    this.pendingLength = needed
  }
}
