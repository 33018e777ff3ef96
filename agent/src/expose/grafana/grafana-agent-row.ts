// The collapsed "agent" row: the health of each selected agent (one series per pod, or per scrape
// target outside Kubernetes) from its taskmeter_* self-metrics and Prometheus' view of its scrape.
// The same families the agent-health alerts of `npm run rules` read, so an alert's numbers are one
// click away.
import type { GrafanaPanel, GrafanaRow, GridPos } from './grafana-model.js'
import {
  AGENT,
  AGENT_LEGEND,
  RATE_WINDOW,
  TARGET_FILTER,
  dashed,
  ofAgents,
  target,
  thresholds,
  timeseriesDefaults,
  timeseriesPanel,
} from './grafana-panel-parts.js'
import { MAX_SCRAPE_SECONDS } from './grafana-slo.js'

const AGENT_ROW_ID = 20
const F = TARGET_FILTER

function eventsPanel(gridPos: GridPos): GrafanaPanel {
  return timeseriesPanel(
    {
      id: 21,
      title: 'Events/s',
      description: 'Events each agent accepted per second, all kinds and decoders (taskmeter_events_total).',
      gridPos,
    },
    [target('A', `sum by (${AGENT}) (rate(taskmeter_events_total{${F}}${RATE_WINDOW}))`, AGENT_LEGEND)],
    timeseriesDefaults('short'),
  )
}

function invalidPanel(gridPos: GridPos): GrafanaPanel {
  // Every reason is exposed at 0 from the first scrape; `> 0` leaves only the reasons that happen,
  // so a healthy agent shows an empty panel rather than thirty flat lines.
  const byReason = (family: string): string => `sum by (${AGENT}, reason) (rate(${family}{${F}}${RATE_WINDOW})) > 0`
  return timeseriesPanel(
    {
      id: 22,
      title: 'Invalid input by reason',
      description:
        'Datagrams, protocol events and StatsD lines rejected per second, by reason (empty while nothing is rejected). A sender speaks the wrong format or breaks a limit; docs/runbook.md, TaskmeterInvalidDatagrams.',
      gridPos,
    },
    [
      target('A', byReason('taskmeter_datagrams_invalid_total'), `datagrams {{reason}} · ${AGENT_LEGEND}`),
      target('B', byReason('taskmeter_events_invalid_total'), `events {{reason}} · ${AGENT_LEGEND}`),
      target('C', byReason('taskmeter_lines_invalid_total'), `lines {{reason}} · ${AGENT_LEGEND}`),
    ],
    timeseriesDefaults('short'),
  )
}

function dropsPanel(gridPos: GridPos): GrafanaPanel {
  return timeseriesPanel(
    {
      id: 23,
      title: 'Drops: kernel and end to end',
      description:
        "Datagrams lost per second: dropped by the kernel on the agent's socket (receive queue full), and numbered protocol v1.1 datagrams that never arrived (lost anywhere between client and agent).",
      gridPos,
    },
    [
      target(
        'A',
        `sum by (${AGENT}) (rate(taskmeter_udp_kernel_drops_total{${F}}${RATE_WINDOW}))`,
        `kernel · ${AGENT_LEGEND}`,
      ),
      target(
        'B',
        `sum by (${AGENT}) (rate(taskmeter_protocol_datagrams_lost_total{${F}}${RATE_WINDOW}))`,
        `end to end · ${AGENT_LEGEND}`,
      ),
    ],
    timeseriesDefaults('short'),
    [dashed('B', [4, 6])],
  )
}

function seriesPanel(gridPos: GridPos): GrafanaPanel {
  return timeseriesPanel(
    {
      id: 24,
      title: 'Series vs --max-series',
      description:
        'User series each agent holds (solid) and its --max-series cap (dashed); at the cap, events for new series are dropped (taskmeter_series_dropped_total).',
      gridPos,
    },
    [
      target('A', `sum by (${AGENT}) (taskmeter_series{${F}})`, `series · ${AGENT_LEGEND}`),
      target('B', `sum by (${AGENT}) (taskmeter_series_max{${F}})`, `--max-series · ${AGENT_LEGEND}`),
    ],
    timeseriesDefaults('short'),
    [dashed('B', [10, 10])],
  )
}

function memoryPanel(gridPos: GridPos): GrafanaPanel {
  return timeseriesPanel(
    {
      id: 25,
      title: 'RSS vs memory budget',
      description:
        "Each agent's resident memory (solid) and the budget its flags are checked against (dashed): --max-memory, or a share of the container's memory limit.",
      gridPos,
    },
    [
      target('A', `sum by (${AGENT}) ${ofAgents(`process_resident_memory_bytes{${F}}`)}`, `RSS · ${AGENT_LEGEND}`),
      target('B', `sum by (${AGENT}) (taskmeter_memory_budget_bytes{${F}})`, `budget · ${AGENT_LEGEND}`),
    ],
    timeseriesDefaults('bytes'),
    [dashed('B', [10, 10])],
  )
}

function scrapePanel(gridPos: GridPos): GrafanaPanel {
  return timeseriesPanel(
    {
      id: 26,
      title: 'Scrape duration',
      description: `Prometheus' whole scrape of each agent (scrape_duration_seconds, solid) and the agent's render of /metrics (taskmeter_scrape_render_seconds, dashed). The dashed red line is TaskmeterScrapeSlow's bound (${MAX_SCRAPE_SECONDS} s).`,
      gridPos,
    },
    [
      target('A', `sum by (${AGENT}) ${ofAgents(`scrape_duration_seconds{${F}}`)}`, `scrape · ${AGENT_LEGEND}`),
      target('B', `sum by (${AGENT}) (taskmeter_scrape_render_seconds{${F}})`, `render · ${AGENT_LEGEND}`),
    ],
    timeseriesDefaults('s', {}, thresholds('green', [{ color: 'red', value: MAX_SCRAPE_SECONDS }])),
    [dashed('B', [4, 6])],
  )
}

/** The row, collapsed, at row `top` of the grid; its panels are laid out below it. */
export function buildAgentRow(top: number): GrafanaRow {
  const builders = [eventsPanel, invalidPanel, dropsPanel, seriesPanel, memoryPanel, scrapePanel]
  const panels: GrafanaPanel[] = []
  for (let i = 0; i < builders.length; i++) {
    const build = builders[i] as (gridPos: GridPos) => GrafanaPanel
    panels.push(build({ x: (i % 2) * 12, y: top + 1 + Math.floor(i / 2) * 8, w: 12, h: 8 }))
  }
  return {
    id: AGENT_ROW_ID,
    type: 'row',
    title: 'agent',
    collapsed: true,
    gridPos: { x: 0, y: top, w: 24, h: 1 },
    panels,
  }
}
