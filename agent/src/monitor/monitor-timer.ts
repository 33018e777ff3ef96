// One tracked task of the in-process monitor (trackAsync / startTimer / wrap / @tracked): counted
// active from start to end (the agent's start − end balance, as for clients that send no
// in-flight reports), then one request with its duration and status, as a task end event would be.
import { isTagInput, tagEntries } from '@taskmeter/instrument'
import type { TaskStats } from '../aggregate/task-stats.js'

export class TaskRun {
  readonly name: unknown
  /** The task counted active; null when the start was dropped (the end then records nothing). */
  readonly task: TaskStats | null
  readonly startTags: unknown
  readonly startMs: number
  ended: boolean

  constructor(name: unknown, task: TaskStats | null, startTags: unknown, startMs: number) {
    this.name = name
    this.task = task
    this.startTags = startTags
    this.startMs = startMs
    this.ended = false
  }
}

// Thrown for an array entry that is not a string; mergeEndTags turns it into null (bad tags).
function entriesOf(tags: unknown): Array<[unknown, unknown]> {
  const entries = isTagInput(tags) ? tagEntries(tags) : 'bad_tags'
  if (typeof entries === 'string') throw new TypeError(entries)
  return entries
}

/**
 * end({ tags }) tags merged over the start's, as the client merges them for its end event.
 * A Map of whatever was given (MonitorSeries checks it) or null when either is not an object.
 */
export function mergeEndTags(startTags: unknown, endTags: unknown): Map<unknown, unknown> | null {
  if (typeof endTags !== 'object' || endTags === null) return null
  if (startTags !== undefined && startTags !== null && typeof startTags !== 'object') return null
  try {
    const merged = new Map<unknown, unknown>(
      startTags === undefined || startTags === null ? undefined : entriesOf(startTags),
    )
    const extra = entriesOf(endTags)
    for (let i = 0; i < extra.length; i++)
      merged.set((extra[i] as [unknown, unknown])[0], (extra[i] as [unknown, unknown])[1])
    return merged
  } catch {
    return null
  }
}
