// The agent's own health: alerts on the taskmeter_* self-metrics (each declared where it is counted: agent/src/self-metrics/)
// and on Prometheus' per-target series (up, scrape_duration_seconds). Each one keeps the target's
// labels (job, instance, …) so the page says which sidecar is sick.
import { formatDuration, windowScaler } from './prom-duration.mjs'
import { matchers, runbookUrl } from './slo-rules.mjs'

const MINUTE = 60
// Rates and increases of the self-metrics look back this far.
const RATE_WINDOW_SECONDS = 5 * MINUTE
// More than this fraction of datagrams rejected is a broken sender, not a stray packet.
const INVALID_RATIO = 0.01

export function agentHealthAlerts(options) {
  const scale = windowScaler(options.testWindows)
  const w = formatDuration(scale(RATE_WINDOW_SECONDS))
  const after = (seconds) => formatDuration(scale(seconds))
  const sel = matchers(options)
  const alert = (name, body) => ({
    alert: name,
    expr: body.expr,
    ...(body.for === undefined ? {} : { for: body.for }),
    labels: { severity: body.severity },
    annotations: { summary: body.summary, description: body.description, runbook_url: runbookUrl(options, name) },
  })
  const rules = [
    alert('TaskmeterTargetDown', {
      expr: `up${sel} == 0`,
      for: after(5 * MINUTE),
      severity: 'warning',
      summary: 'taskmeter agent {{$labels.instance}} cannot be scraped.',
      description:
        'Prometheus has failed to scrape the taskmeter agent {{$labels.instance}} (job {{$labels.job}}) for ' +
        `${after(5 * MINUTE)}. Its tasks have no fresh data, so their SLO alerts cannot fire.`,
    }),
    alert('TaskmeterUDPKernelDrops', {
      expr: `increase(taskmeter_udp_kernel_drops_total${sel}[${w}]) > 0`,
      // A single burst can overflow the queue once; a queue that keeps overflowing is too small.
      for: after(5 * MINUTE),
      severity: 'warning',
      summary: 'The kernel is dropping datagrams sent to taskmeter agent {{$labels.instance}}.',
      description:
        'The UDP receive queue of {{$labels.instance}} overflowed: {{$value|humanize}} datagrams were dropped by ' +
        `the kernel in the last ${w}, for ${after(5 * MINUTE)}. Their events are lost, and counts and percentiles undercount.`,
    }),
    alert('TaskmeterInvalidDatagrams', {
      expr: [
        `rate(taskmeter_datagrams_invalid_total${sel}[${w}])`,
        '/ ignoring (reason) group_left',
        `rate(taskmeter_datagrams_received_total${sel}[${w}])`,
        `> ${INVALID_RATIO}`,
      ].join('\n'),
      for: after(10 * MINUTE),
      severity: 'warning',
      summary: 'taskmeter agent {{$labels.instance}} rejects datagrams as {{$labels.reason}}.',
      description:
        '{{$value|humanizePercentage}} of the datagrams received by {{$labels.instance}} in the last ' +
        `${w} were rejected with reason {{$labels.reason}} (more than ${INVALID_RATIO * 100}% for ${after(10 * MINUTE)}). ` +
        'A sender speaks the wrong format or version; its events are lost.',
    }),
    alert('TaskmeterSeriesCapReached', {
      expr: `increase(taskmeter_series_dropped_total${sel}[${w}]) > 0`,
      // No `for`: every dropped event is a series that will not be recorded until the cap frees up.
      severity: 'warning',
      summary: 'taskmeter agent {{$labels.instance}} is at --max-series and drops new series.',
      description:
        '{{$labels.instance}} dropped {{$value|humanize}} events in the last ' +
        `${w} because they would create a series past --max-series. New tasks and metrics are not recorded.`,
    }),
    alert('TaskmeterScrapeSlow', {
      expr: [
        `avg_over_time(taskmeter_scrape_render_seconds${sel}[${w}]) > ${options.maxScrapeSeconds}`,
        'or',
        `avg_over_time(scrape_duration_seconds${sel}[${w}]) > ${options.maxScrapeSeconds}`,
      ].join('\n'),
      for: after(15 * MINUTE),
      severity: 'warning',
      summary: 'Scrapes of taskmeter agent {{$labels.instance}} are slow.',
      description:
        `Rendering /metrics or the whole scrape of {{$labels.instance}} took {{$value|humanizeDuration}} on ` +
        `average over ${w} (bound ${options.maxScrapeSeconds}s). The render blocks ingestion while it runs, and a ` +
        'scrape past scrape_timeout loses the sample.',
    }),
  ]
  return { name: 'taskmeter.agent.alerts', rules }
}
