// Records exemplars into the tasks' stores (exemplar-store.ts), and shows what they hold in the
// agent's own families. Apart from the store so that TaskStats, which holds a store, imports
// nothing that imports it.
import { MAX_TRACKABLE_US } from './bucket-layout.js'
import { ExemplarStore } from './exemplar-store.js'
import type { TaskStats } from './task-stats.js'

const MAX_DURATION_MS = MAX_TRACKABLE_US / 1000

/**
 * Records exemplars into the tasks' stores: the decode stage's one entry to them, holding the
 * flags' `le` bounds (a task a mapping rule gave its own bounds uses those) and the wall clock the
 * exposition's exemplar timestamps need (injected for tests).
 */
export class ExemplarRecorder {
  private readonly flagBounds: readonly number[]
  private readonly unixNowMs: () => number
  /** Exemplars kept since start, for taskmeter_exemplars_total. */
  recorded: number

  constructor(flagBoundsSeconds: readonly number[], unixNowMs: () => number = Date.now) {
    this.flagBounds = flagBoundsSeconds
    this.unixNowMs = unixNowMs
    this.recorded = 0
  }

  /**
   * The exemplar of one request of `task` (its ids in `ids` from `idsAt`). A duration the histogram
   * refuses (past 2^40 µs) keeps no exemplar either, so that an exemplar always sits beside a count
   * that changed: the scrape caches copy a task's series while its counts stay the same.
   */
  recordTask(task: TaskStats, durationMs: number, ids: Uint8Array, idsAt = 0): void {
    if (!(durationMs >= 0 && durationMs <= MAX_DURATION_MS)) return
    const bounds = task.settings?.bucketsSeconds ?? this.flagBounds
    let store = task.exemplars
    // A reload that changed the task's bounds: the old slots no longer line up with its buckets.
    if (store === null || store.bounds !== bounds) {
      store = new ExemplarStore(bounds)
      task.exemplars = store
    }
    store.record(durationMs, ids, idsAt, this.unixNowMs())
    this.recorded++
  }
}

/**
 * The exemplar families of the agent's own health (self-metrics/self-metric.ts, structurally): how
 * many were kept, and the bytes the tasks' stores hold (bounded by --max-series stores of one slot
 * per `le` bucket; read by walking the tasks, a few ns each, at scrape time only).
 */
export function exemplarFigures(recorder: ExemplarRecorder | null, tasks: ReadonlyMap<string, TaskStats>) {
  let shardAdded = 0
  return [
    {
      name: 'taskmeter_exemplars_total',
      help: 'Exemplars (trace and span id of a request) kept in a task bucket, each over the one before it',
      type: 'counter',
      read: (): number => (recorder?.recorded ?? 0) + shardAdded,
      add: (_index: number, count: number): void => {
        shardAdded += count
      },
    },
    {
      name: 'taskmeter_exemplar_bytes',
      help: 'Memory the tasks hold for their latest exemplar per bucket',
      type: 'gauge',
      read: (): number => {
        let bytes = 0
        for (const task of tasks.values()) if (task.exemplars !== null) bytes += task.exemplars.footprintBytes()
        return bytes
      },
    },
  ] as const
}
