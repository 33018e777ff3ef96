// One tracked task (trackAsync / startTimer): counted in flight from start to end, then one
// task_end_success or task_end_error event carrying the duration in ms (SPEC.md §3). No
// task_start event: the in-flight reports carry the count (SPEC.md §3.1, MUST NOT send both).
import { EVENT_KIND } from '@taskmeter/protocol'
import type { ClientCore } from './client-core.js'
import type { InflightTask } from './inflight.js'
import type { CachedName } from './name-cache.js'
import { ScopeTags, type TagBytes } from './tag-cache.js'
import type { TagInput } from './tags.js'
import type { ExemplarIds } from './trace-ids.js'

export type TaskStatus = 'success' | 'error'

export interface TimerResult {
  status?: TaskStatus
  /** Merged over the tags given at start, for this end event only. */
  tags?: TagInput
}

export class TaskTimer {
  private readonly core: ClientCore
  private readonly scopeTags: ScopeTags
  private readonly startMs: number
  // withTrace()'s ids; null: the span active at end(), if any.
  private readonly exemplar: ExemplarIds | null
  /** Null when the start was dropped (and counted): the end then sends nothing. */
  name: CachedName | null
  task: InflightTask | null
  startTags: unknown
  tagBytes: TagBytes
  private ended: boolean

  constructor(core: ClientCore, scopeTags: ScopeTags, startMs: number, exemplar: ExemplarIds | null) {
    this.core = core
    this.scopeTags = scopeTags
    this.startMs = startMs
    this.exemplar = exemplar
    this.name = null
    this.task = null
    this.startTags = undefined
    this.tagBytes = null
    this.ended = false
  }

  /** startTimer's end(result?): validates what the app passed, then ends. Never throws. */
  endWith(result: unknown): number {
    try {
      let status: unknown = 'success'
      let endTags: unknown
      if (result !== undefined && result !== null) {
        if (typeof result !== 'object') return this.endMisused(`end() takes { status, tags } (got ${typeof result})`)
        const given = result as { status?: unknown; tags?: unknown }
        if (given.status !== undefined) status = given.status
        endTags = given.tags
      }
      if (status !== 'success' && status !== 'error') {
        return this.endMisused(
          `end() status must be "success" or "error" (got ${typeof status === 'string' ? JSON.stringify(status) : typeof status})`,
        )
      }
      return this.end(status, endTags)
    } catch (error) {
      return this.endMisused(`end() failed: ${error instanceof Error ? error.message : typeof error}`)
    }
  }

  end(status: TaskStatus, endTags: unknown): number {
    const core = this.core
    const durationMs = Math.max(0, core.options.now() - this.startMs)
    if (this.ended) {
      core.telemetry.drop('bad_argument', 1, 'a timer was ended twice; the second end() is ignored')
      return durationMs
    }
    this.ended = true
    if (this.task !== null) core.inflight.end(this.task)
    const name = this.name
    if (name === null) return durationMs
    if (core.closed) {
      core.telemetry.drop('closed', 1, `task ${JSON.stringify(name.fullName)} ended after close()`)
      return durationMs
    }
    let tags = this.tagBytes
    if (endTags !== undefined && endTags !== null) {
      const given = this.startTags
      const startTags = given === undefined || given === null ? new Map<string, string>() : ScopeTags.merge(null, given)
      const combined = typeof startTags === 'string' ? startTags : ScopeTags.merge(startTags, endTags)
      const resolved = typeof combined === 'string' ? combined : this.scopeTags.forCall(combined)
      if (typeof resolved === 'string') {
        core.telemetry.drop(resolved, 1, `end() of ${JSON.stringify(name.fullName)}: ${resolved}`)
        return durationMs
      }
      tags = resolved
    }
    const kind = status === 'error' ? EVENT_KIND.task_end_error : EVENT_KIND.task_end_success
    const ids = this.exemplar ?? (core.activeSpan === null ? null : core.activeSpan.current())
    if (ids === null) core.emit(kind, name.bytes, durationMs, 1, tags)
    else core.emitTraced(kind, name.bytes, durationMs, 1, tags, ids)
    return durationMs
  }

  // A misused end() still ends the task's in-flight count, but sends no end event.
  private endMisused(message: string): number {
    const core = this.core
    const durationMs = Math.max(0, core.options.now() - this.startMs)
    if (!this.ended) {
      this.ended = true
      if (this.task !== null) core.inflight.end(this.task)
    }
    core.telemetry.drop('bad_argument', 1, message)
    return durationMs
  }
}
