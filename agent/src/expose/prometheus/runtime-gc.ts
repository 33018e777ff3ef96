// nodejs_gc_duration_seconds: every garbage collection V8 reports to a PerformanceObserver, by
// kind, in prom-client's buckets. The counts live in typed arrays sized once; a kind appears in
// the exposition from its first collection on, as a labelled prom-client histogram does.
import {
  type PerformanceEntry,
  PerformanceObserver,
  type PerformanceObserverEntryList,
  constants,
} from 'node:perf_hooks'
import { type FamilySink, SeriesLabels } from './family-sink.js'

/** prom-client's default gcDurationBuckets, in seconds. */
const BOUNDS = new Float64Array([0.001, 0.01, 0.1, 1, 2, 5])
const KINDS = ['major', 'minor', 'incremental', 'weakcb'] as const
const MS_PER_SECOND = 1e3

function kindIndex(kind: number): number {
  switch (kind) {
    case constants.NODE_PERFORMANCE_GC_MAJOR:
      return 0
    case constants.NODE_PERFORMANCE_GC_MINOR:
      return 1
    case constants.NODE_PERFORMANCE_GC_INCREMENTAL:
      return 2
    case constants.NODE_PERFORMANCE_GC_WEAKCB:
      return 3
    default:
      return -1
  }
}

/** A gc entry carries a NodeGCPerformanceDetail, which Node's typings leave off PerformanceEntry. */
type GcEntry = PerformanceEntry & { readonly detail?: unknown }

/** The index of the entry's `detail.kind` in KINDS, or -1. */
function gcKind(entry: GcEntry): number {
  const detail = entry.detail
  if (typeof detail !== 'object' || detail === null || !('kind' in detail)) return -1
  return typeof detail.kind === 'number' ? kindIndex(detail.kind) : -1
}

export class GcDurations {
  /** Per kind, per bound: collections whose duration is at most that bound and above the one before. */
  private readonly buckets = new Float64Array(KINDS.length * BOUNDS.length)
  private readonly counts = new Float64Array(KINDS.length)
  private readonly sums = new Float64Array(KINDS.length)
  private readonly cumulative = new Float64Array(BOUNDS.length)
  private readonly labels: readonly SeriesLabels[] = KINDS.map((kind) => new SeriesLabels(['kind'], [kind]))
  private readonly observer: PerformanceObserver

  constructor() {
    // Each callback may carry several collections; every one is counted.
    this.observer = new PerformanceObserver((list: PerformanceObserverEntryList) => {
      const entries = list.getEntries()
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i] as PerformanceEntry
        this.observe(gcKind(entry), entry.duration / MS_PER_SECOND)
      }
    })
    this.observer.observe({ entryTypes: ['gc'] })
  }

  private observe(kind: number, seconds: number): void {
    if (kind < 0) return
    this.counts[kind] = (this.counts[kind] ?? 0) + 1
    this.sums[kind] = (this.sums[kind] ?? 0) + seconds
    for (let i = 0; i < BOUNDS.length; i++) {
      if (seconds <= (BOUNDS[i] ?? 0)) {
        const at = kind * BOUNDS.length + i
        this.buckets[at] = (this.buckets[at] ?? 0) + 1
        return
      }
    }
  }

  emit(sink: FamilySink): void {
    sink.family(
      'nodejs_gc_duration_seconds',
      'Garbage collection duration by kind, one of major, minor, incremental or weakcb.',
      'histogram',
    )
    for (let kind = 0; kind < KINDS.length; kind++) {
      const count = this.counts[kind] ?? 0
      if (count === 0) continue
      let running = 0
      for (let i = 0; i < BOUNDS.length; i++) {
        running += this.buckets[kind * BOUNDS.length + i] ?? 0
        this.cumulative[i] = running
      }
      sink.histogram(this.labels[kind] as SeriesLabels, count, this.sums[kind] ?? 0, BOUNDS, this.cumulative, null)
    }
  }

  close(): void {
    this.observer.disconnect()
  }
}
