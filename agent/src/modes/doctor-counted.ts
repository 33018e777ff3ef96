// What the agent counted, from one /metrics scrape: datagrams the kernel dropped, input it
// rejected, valid events it refused, and events past --max-series. Each is data lost on the way to
// Prometheus, so each non-zero count is a ✗.
import { type CheckRow, fail, ok } from './doctor-checks.js'
import { familySamples, nonZero, nonZeroRecord, total } from './doctor-scrape.js'

export const COUNTED_CHECKS = ['kernel drops', 'invalid datagrams', 'events dropped', 'series cap'] as const

function kernelDropsRow(metrics: string, recvBufferBytes: unknown): CheckRow {
  const kernelDrops = total(familySamples(metrics, 'taskmeter_udp_kernel_drops_total', ''))
  const bufferBytes = typeof recvBufferBytes === 'number' && recvBufferBytes > 0 ? recvBufferBytes : null
  const figures = { kernel_drops: kernelDrops, recv_buffer_bytes: bufferBytes }
  if (kernelDrops === 0) return ok('kernel drops', 'the kernel dropped no datagram on the agent socket', figures)
  const buffer = bufferBytes === null ? '' : ` (receive buffer now ${Math.round(bufferBytes / 1024)} KiB)`
  return fail(
    'kernel drops',
    `the kernel dropped ${kernelDrops} datagrams: the receive queue was full${buffer}`,
    'raise --recv-buffer (e.g. 16MiB) and the kernel cap to match: sysctl -w net.core.rmem_max=16777216; or run more agents',
    figures,
  )
}

function invalidRow(metrics: string): CheckRow {
  const datagrams = familySamples(metrics, 'taskmeter_datagrams_invalid_total', 'reason')
  const events = familySamples(metrics, 'taskmeter_events_invalid_total', 'reason')
  const lines = familySamples(metrics, 'taskmeter_lines_invalid_total', 'reason')
  const figures = {
    invalid_datagrams: nonZeroRecord(datagrams),
    invalid_events: nonZeroRecord(events),
    invalid_lines: nonZeroRecord(lines),
  }
  if (total(datagrams) + total(events) + total(lines) === 0)
    return ok('invalid datagrams', 'no datagram, event or StatsD line rejected', figures)
  const parts = [
    total(datagrams) > 0 ? `datagrams: ${nonZero(datagrams)}` : '',
    total(events) > 0 ? `events: ${nonZero(events)}` : '',
    total(lines) > 0 ? `StatsD lines: ${nonZero(lines)}` : '',
  ].filter((part) => part !== '')
  return fail(
    'invalid datagrams',
    `rejected ${parts.join('; ')}`,
    'a sender speaks neither protocol v1 nor StatsD correctly: compare its version with protocol/SPEC.md §5 (reasons); --log-level debug logs each rejection',
    figures,
  )
}

function eventsDroppedRow(metrics: string): CheckRow {
  const dropped = familySamples(metrics, 'taskmeter_events_dropped_total', 'reason')
  const figures = { events_dropped: nonZeroRecord(dropped) }
  if (total(dropped) === 0) return ok('events dropped', 'the agent refused no valid event', figures)
  return fail(
    'events dropped',
    `refused ${total(dropped)} valid events: ${nonZero(dropped)}`,
    'each reason is a limit or a clash between senders (README, "Metrics"): one name sent as two types (type_conflict), a cap reached (raise it), or names that sanitize alike; --log-level debug names each one',
    figures,
  )
}

function seriesCapRow(metrics: string): CheckRow {
  const seriesDropped = total(familySamples(metrics, 'taskmeter_series_dropped_total', ''))
  const maxSeries = total(familySamples(metrics, 'taskmeter_series_max', ''))
  const figures = { series_dropped: seriesDropped, max_series: maxSeries }
  if (seriesDropped === 0) return ok('series cap', `no event dropped at --max-series ${maxSeries}`, figures)
  return fail(
    'series cap',
    `${seriesDropped} events dropped: they would create a series past --max-series ${maxSeries}`,
    'raise --max-series (and --max-memory), or drop a high-cardinality tag (a user id, a URL with ids)',
    figures,
  )
}

/** The rows in COUNTED_CHECKS order. */
export function countedRows(metrics: string, recvBufferBytes: unknown): CheckRow[] {
  return [
    kernelDropsRow(metrics, recvBufferBytes),
    invalidRow(metrics),
    eventsDroppedRow(metrics),
    seriesCapRow(metrics),
  ]
}
