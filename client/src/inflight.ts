// Per-task in-flight counts for trackAsync/startTimer, reported as absolute numbers (SPEC.md
// §3.1) instead of task_start events: the agent sums the latest report of each live client, so
// a task running for minutes stays active and a client that dies stops counting within
// 3 × its flush interval.
import type { EncodedBytes } from '@taskmeter/protocol'

// A task is listed with 0 in this many reports after its count drops to zero (SPEC.md §3.1:
// "three is enough, given the expiry"), then forgotten.
export const ZERO_REPORTS = 3
// Distinct task names tracked at once. Names are app input; past this, new names are not
// counted as in flight (their end events are still sent).
export const MAX_TRACKED_TASKS = 10_000

export class InflightTask {
  readonly nameBytes: EncodedBytes
  count: number
  zeroReportsLeft: number

  constructor(nameBytes: EncodedBytes) {
    this.nameBytes = nameBytes
    this.count = 0
    this.zeroReportsLeft = ZERO_REPORTS
  }
}

export class InflightTracker {
  private readonly tasks: Map<string, InflightTask>
  // The report's entries, rebuilt in place for each report.
  readonly reportNames: EncodedBytes[]
  readonly reportCounts: number[]

  constructor() {
    this.tasks = new Map()
    this.reportNames = []
    this.reportCounts = []
  }

  /** True while any report is due: a task in flight, or one still owed zero reports. */
  hasEntries(): boolean {
    return this.tasks.size > 0
  }

  inflightCount(fullName: string): number {
    return this.tasks.get(fullName)?.count ?? 0
  }

  /** Counts one more `fullName` in flight; null when the tracking cap is reached. */
  start(fullName: string, nameBytes: EncodedBytes): InflightTask | null {
    let task = this.tasks.get(fullName)
    if (task === undefined) {
      if (this.tasks.size >= MAX_TRACKED_TASKS) return null
      task = new InflightTask(nameBytes)
      this.tasks.set(fullName, task)
    }
    task.count++
    task.zeroReportsLeft = ZERO_REPORTS
    return task
  }

  end(task: InflightTask): void {
    if (task.count > 0) task.count--
  }

  /** Fills reportNames/reportCounts with every listed task; forgets tasks owed no more zeros. */
  prepareReport(): void {
    const names = this.reportNames
    const counts = this.reportCounts
    names.length = 0
    counts.length = 0
    for (const [fullName, task] of this.tasks) {
      names.push(task.nameBytes)
      counts.push(task.count)
      if (task.count === 0 && --task.zeroReportsLeft <= 0) this.tasks.delete(fullName)
    }
  }

  /** The last report of a closing client: every task at 0, since it can no longer report ends. */
  prepareFinalReport(): void {
    const names = this.reportNames
    const counts = this.reportCounts
    names.length = 0
    counts.length = 0
    for (const task of this.tasks.values()) {
      names.push(task.nameBytes)
      counts.push(0)
    }
    this.tasks.clear()
  }
}
