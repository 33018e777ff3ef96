// The most bytes a series can add to a text scrape of /metrics, from its name and labels, so that
// the sum over held series bounds the body (--max-scrape-bytes) before a scrape ever renders it.
// Labels are repeated on every line of a series: 16 tags of 64-byte keys and 200-byte values
// are 4 KiB a line and 27 lines a task, so 10 000 such tasks render a 1.2 GB body. Every value
// is counted at its widest (24 characters, e.g. -1.7976931348623157e+308), every label value
// escaped, and every custom series as if it were alone in its family (its own HELP and TYPE).
import type { CustomKind } from './custom-series.js'
import type { LabelPairs } from './labels.js'
import { QUANTILES } from './quantiles.js'

const VALUE_BYTES = 24
/** `task_duration_window_seconds_count{` is the longest prefix of a task line. */
const TASK_PREFIX_BYTES = 35
/** `,quantile="0.999"} ` or `,le="…"} ` (a bound up to 24 characters) is the longest suffix. */
const TASK_SUFFIX_BYTES = 8 + VALUE_BYTES
/** The task families' HELP and TYPE lines, paid once per scrape (counted here for the first task). */
const CUSTOM_HEADER_FIXED = '# HELP  User histogram \n# TYPE  summary\n'.length

/** Bytes of `value` in a label block: UTF-8, with `\`, `"` and newline escaped. */
export function escapedBytes(value: string): number {
  let bytes = Buffer.byteLength(value)
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c === 0x5c || c === 0x22 || c === 0x0a) bytes++
  }
  return bytes
}

/** `,k="v"` for every pair. */
function pairsBytes(labels: LabelPairs): number {
  let bytes = 0
  for (let i = 0; i < labels.length; i++) {
    const pair = labels[i] as readonly [string, string]
    bytes += 4 + pair[0].length + escapedBytes(pair[1])
  }
  return bytes
}

export class ScrapeCost {
  private readonly taskLines: number
  private readonly taskBuckets: number

  /** `taskBuckets`: the `le` bounds of task_duration_seconds (--buckets). */
  constructor(taskBuckets: number) {
    this.taskBuckets = taskBuckets
    // Buckets, +Inf, _sum, _count; the window's quantiles, _sum, _count; requests_total twice;
    // requests_per_second, tasks_active, tasks_completed_total, tasks_failed_total.
    this.taskLines = taskBuckets + 3 + QUANTILES.length + 2 + 2 + 4
  }

  /** `buckets`: the task's own `le` bounds when a mapping rule gives it some. */
  task(name: string, labels: LabelPairs, buckets?: number): number {
    const labelBytes = 7 + escapedBytes(name) + pairsBytes(labels) // task="…" and the pairs
    return (
      (this.taskLines - this.taskBuckets + (buckets ?? this.taskBuckets)) *
      (TASK_PREFIX_BYTES + labelBytes + TASK_SUFFIX_BYTES + VALUE_BYTES + 1)
    )
  }

  /** `family` is the exposed name (sanitized ASCII); `name` the sent one, which HELP repeats. */
  custom(kind: CustomKind, family: string, name: string, labels: LabelPairs): number {
    const header = CUSTOM_HEADER_FIXED + 2 * family.length + 2 * escapedBytes(name)
    // `family_count{…,quantile="0.999"} value`: the longest line; a counter or gauge has one line.
    const lines = kind === 'histogram' ? QUANTILES.length + 2 : 1
    const line = family.length + 6 + 2 + pairsBytes(labels) + 18 + VALUE_BYTES + 1
    return header + lines * line
  }
}

/** The bytes charged by held series against --max-scrape-bytes. */
export class ScrapeBudget {
  readonly cost: ScrapeCost
  readonly maxBytes: number
  bytes = 0

  constructor(taskBuckets: number, maxBytes: number) {
    this.cost = new ScrapeCost(taskBuckets)
    this.maxBytes = maxBytes
  }

  /** Takes `bytes` for a new series; false (nothing taken) when they would pass the cap. */
  take(bytes: number): boolean {
    if (this.bytes + bytes > this.maxBytes) return false
    this.bytes += bytes
    return true
  }

  release(bytes: number): void {
    this.bytes -= bytes
  }
}
