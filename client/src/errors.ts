// The client's error type. It is thrown only by createClient() for a bad option (API misuse at
// startup); every failure after that is counted and handed to the optional errorHandler instead
// (the client never throws into the host app).
import { CLIENT_REASONS, EVENT_REASONS } from '@taskmeter/protocol'

export const ERROR_CODES = ['TM_ERR_INVALID_OPTION', 'TM_ERR_DROPPED', 'TM_ERR_SOCKET'] as const
export type TaskmeterErrorCode = (typeof ERROR_CODES)[number]

// Why the client dropped events: the protocol's event reasons (the app passed a bad name, value or
// tag) plus the client-only ones (SPEC.md §5, last paragraph).
export const DROP_REASONS = [...EVENT_REASONS, ...CLIENT_REASONS] as const
export type DropReason = (typeof DROP_REASONS)[number]

export class TaskmeterError extends Error {
  readonly code: TaskmeterErrorCode

  constructor(code: TaskmeterErrorCode, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause })
    this.name = 'TaskmeterError'
    this.code = code
  }
}

/** Handed to errorHandler when events are dropped; `eventCount` of them, for `reason`. */
export class TaskmeterDropError extends TaskmeterError {
  readonly reason: DropReason
  readonly eventCount: number

  constructor(reason: DropReason, eventCount: number, message: string, cause?: unknown) {
    super('TM_ERR_DROPPED', message, cause)
    this.name = 'TaskmeterDropError'
    this.reason = reason
    this.eventCount = eventCount
  }
}

// `timing "a" dropped: …` for a name the app gave; `timing dropped: … (the name is undefined, …)`
// when it gave no string at all, so the warning reads as a sentence either way.
export function describeName(name: unknown): { subject: string; detail: string | undefined } {
  // An array of names (one event per name): the first few, as a reader would find them in code.
  if (Array.isArray(name)) {
    try {
      const shown = name
        .slice(0, 3)
        .map((one: unknown) => (typeof one === 'string' ? describeName(one).subject : ` a ${typeof one}`))
      if (shown.length > 0)
        return { subject: ` [${shown.join(',')}${name.length > 3 ? ', …' : ''} ]`, detail: undefined }
    } catch {
      // A proxy that throws from its traps: described as an array below.
    }
  }
  if (typeof name === 'string')
    return { subject: ` ${JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name)}`, detail: undefined }
  const given =
    name === null ? 'null' : Array.isArray(name) ? 'an array' : name === undefined ? 'undefined' : `a ${typeof name}`
  return { subject: '', detail: `the name is ${given}, not a string` }
}
