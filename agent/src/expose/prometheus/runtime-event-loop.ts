// nodejs_eventloop_lag_*: the event-loop delay libuv samples every 10 ms (monitorEventLoopDelay),
// summarised per scrape interval: each emit reports the delays since the previous one and starts
// a new interval, so nodejs_eventloop_lag_max_seconds is the longest stall between two scrapes.
// nodejs_eventloop_lag_seconds is how long a setImmediate queued at the previous emit waited.
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks'
import type { FamilySink, SeriesLabels } from './family-sink.js'

// The sampling period prom-client's collectDefaultMetrics uses, so the figures read the same.
const RESOLUTION_MS = 10
const NS_PER_SECOND = 1e9
const MS_PER_SECOND = 1e3

export class EventLoopDelay {
  private readonly histogram: IntervalHistogram
  private lagSeconds = 0
  private lagStarted = 0
  private pending: NodeJS.Immediate | null = null
  private closed = false
  /** Made once: a probe per scrape queues this, not a new closure. */
  private readonly lagArrived = (): void => {
    this.pending = null
    this.lagSeconds = (performance.now() - this.lagStarted) / MS_PER_SECOND
  }

  constructor() {
    this.histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
    this.histogram.enable()
  }

  /**
   * The eight families, then a new interval and a new lag probe. Before any sample (two emits
   * within 10 ms) the figures are the histogram's empty ones, as prom-client reports them: min
   * the largest int64 in nanoseconds, mean and stddev NaN, max and percentiles 0. Node's reset()
   * also forgets the last sampling tick, so the first delay after an emit (up to one tick) is not
   * counted; prom-client's figures had the same gap.
   */
  emit(sink: FamilySink, labels: SeriesLabels): void {
    const h = this.histogram
    sink.family('nodejs_eventloop_lag_seconds', 'Lag of event loop in seconds.', 'gauge')
    sink.value(labels, null, null, this.lagSeconds)
    sink.family('nodejs_eventloop_lag_min_seconds', 'The minimum recorded event loop delay.', 'gauge')
    sink.value(labels, null, null, h.min / NS_PER_SECOND)
    sink.family('nodejs_eventloop_lag_max_seconds', 'The maximum recorded event loop delay.', 'gauge')
    sink.value(labels, null, null, h.max / NS_PER_SECOND)
    sink.family('nodejs_eventloop_lag_mean_seconds', 'The mean of the recorded event loop delays.', 'gauge')
    sink.value(labels, null, null, h.mean / NS_PER_SECOND)
    sink.family(
      'nodejs_eventloop_lag_stddev_seconds',
      'The standard deviation of the recorded event loop delays.',
      'gauge',
    )
    sink.value(labels, null, null, h.stddev / NS_PER_SECOND)
    sink.family('nodejs_eventloop_lag_p50_seconds', 'The 50th percentile of the recorded event loop delays.', 'gauge')
    sink.value(labels, null, null, h.percentile(50) / NS_PER_SECOND)
    sink.family('nodejs_eventloop_lag_p90_seconds', 'The 90th percentile of the recorded event loop delays.', 'gauge')
    sink.value(labels, null, null, h.percentile(90) / NS_PER_SECOND)
    sink.family('nodejs_eventloop_lag_p99_seconds', 'The 99th percentile of the recorded event loop delays.', 'gauge')
    sink.value(labels, null, null, h.percentile(99) / NS_PER_SECOND)
    h.reset()
    // Scrapes close together share one probe: it measures from the first of them.
    if (this.pending === null && !this.closed) {
      this.lagStarted = performance.now()
      this.pending = setImmediate(this.lagArrived)
    }
  }

  /** Stops the sampling timer and drops a probe still queued. */
  close(): void {
    this.closed = true
    this.histogram.disable()
    if (this.pending !== null) clearImmediate(this.pending)
    this.pending = null
  }
}
