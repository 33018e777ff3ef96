// The live dashboard page: polls the agent's /dashboard every second (relative URLs, so the page
// also works behind a path-prefix proxy), keeps a short history per task, and redraws the selected
// task's charts, its headline figures, the distribution of its window and the overview table.
// The first time a task is shown, its charts are seeded with the agent's window slot by slot
// (/dashboard/history), so they open on the last window instead of one point.
import { DistributionChart, TimeChart } from './charts.js'
import type { DashboardSnapshot, Distribution, TaskWindowHistory } from './dashboard-types.js'
import { formatMs, formatPercent, formatRate } from './number-format.js'
import { TaskHistory } from './task-history.js'
import { TaskPicker } from './task-picker.js'
import { TaskTable } from './task-table.js'
import { samplesOfHistory } from './window-history.js'

const POLL_MS = 1000
const REQUEST_TIMEOUT_MS = 3000

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id)
  if (found === null) throw new Error(`dashboard page: #${id} is missing`)
  return found as T
}

function setText(id: string, text: string): void {
  element(id).textContent = text
}

async function fetchJson<T>(url: string): Promise<T> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS)
  try {
    const response = await fetch(url, { cache: 'no-store', signal: controller.signal })
    if (!response.ok) throw new Error(`HTTP ${response.status}`)
    return (await response.json()) as T
  } finally {
    clearTimeout(timer)
  }
}

const history = new TaskHistory()
const seeding = new Set<string>()
let latest: DashboardSnapshot | null = null
let distributionFor: string | null = null

const latency = new TimeChart(element('chart-latency'), {
  format: formatMs,
  lines: [
    { label: 'p50', color: '#4e79a7' },
    { label: 'p95', color: '#59a14f' },
    { label: 'p99', color: '#f28e2b' },
    { label: 'p99.9', color: '#e15759', dash: [6, 4] },
  ],
})
const throughput = new TimeChart(element('chart-throughput'), {
  format: formatRate,
  lines: [{ label: 'req/s', color: '#4e79a7' }],
})
const active = new TimeChart(element('chart-active'), {
  format: (v) => String(Math.round(v * 100) / 100),
  lines: [
    { label: 'active', color: '#76b7b2' },
    { label: 'mean in flight', color: '#b07aa1', dash: [6, 4] },
  ],
})
const errors = new TimeChart(element('chart-errors'), {
  format: formatPercent,
  lines: [{ label: 'error rate', color: '#e15759' }],
  yMax: 1,
})
const distribution = new DistributionChart(element('chart-distribution'))
const timeCharts = [latency, throughput, active, errors]
const charts = [...timeCharts, distribution]
const chartsHost = element('charts')
// Counted for the Chromium test, which looks at the first paint: before the second poll.
let polls = 0
let renders = 0

const picker = new TaskPicker(element<HTMLSelectElement>('task-picker'), () => redraw())
const table = new TaskTable(element<HTMLTableSectionElement>('task-rows'), element('task-table-note'), (id) =>
  picker.choose(id),
)

let lastWidth = 0
new ResizeObserver((entries) => {
  const width = entries[0]?.contentRect.width ?? 0
  if (Math.abs(width - lastWidth) < 1) return
  lastWidth = width
  for (const chart of charts) chart.resize()
}).observe(chartsHost)

function renderHeadline(id: string | null): void {
  const task = id === null ? undefined : latest?.tasks[id]
  const idle = task === undefined || task.window.requests === 0
  const l = task?.window.latency_ms
  setText('tile-rps', task === undefined ? '–' : formatRate(task.window.rps))
  setText('tile-active', task === undefined ? '–' : String(task.active))
  setText('tile-errors', idle ? '–' : formatPercent(task.window.error_rate))
  setText('tile-p50', idle ? '–' : formatMs(l?.p50 ?? null))
  setText('tile-p99', idle ? '–' : formatMs(l?.p99 ?? null))
  setText('tile-p999', idle ? '–' : formatMs(l?.p999 ?? null))
  setText('selected-task', id ?? 'no task yet')
}

async function refreshDistribution(id: string | null): Promise<void> {
  distributionFor = id
  if (id === null || latest?.tasks[id] === undefined) {
    // Nothing to ask for: no task yet, or the selected one is no longer reported.
    distribution.setBins([])
    setText('distribution-note', id === null ? '' : 'task no longer reported')
    return
  }
  try {
    const body = await fetchJson<Distribution>(`dashboard/distribution?task=${encodeURIComponent(id)}`)
    if (distributionFor !== id) return // the reader picked another task meanwhile
    distribution.setBins(body.bins)
    setText(
      'distribution-note',
      body.total === 0
        ? `no requests in the last ${latest?.window_seconds ?? '?'} s`
        : `${body.total} requests in the last ${latest?.window_seconds ?? '?'} s`,
    )
  } catch {
    if (distributionFor !== id) return
    distribution.setBins([])
    setText('distribution-note', 'no data for this task')
  }
}

function drawCharts(id: string | null): void {
  latency.setData(history.columns(id ?? '', [1, 2, 3, 4]))
  throughput.setData(history.columns(id ?? '', [5]))
  active.setData(history.columns(id ?? '', [6, 8]))
  errors.setData(history.columns(id ?? '', [7]))
  chartsHost.dataset.renders = String(++renders)
}

/** Once per task: what the agent holds of its window goes in front of the polls. */
async function seedHistory(id: string | null): Promise<void> {
  if (id === null || history.isSeeded(id) || seeding.has(id)) return
  seeding.add(id) // one request at a time per task, however many redraws ask meanwhile
  let samples: number[][] = []
  try {
    const body = await fetchJson<TaskWindowHistory>(`dashboard/history?task=${encodeURIComponent(id)}`)
    samples = samplesOfHistory(body, Date.now() / 1000)
  } catch {
    // An unknown task (404) or an agent without the route: the charts start from the polls.
  } finally {
    seeding.delete(id)
  }
  history.seed(id, samples)
}

function redraw(): void {
  const id = picker.selected
  drawCharts(id)
  if (id !== null && !history.isSeeded(id))
    void seedHistory(id).then(() => {
      if (picker.selected === id) drawCharts(id)
    })
  renderHeadline(id)
  if (latest !== null) table.render(latest.tasks, id)
  void refreshDistribution(id)
}

async function onSnapshot(snapshot: DashboardSnapshot): Promise<void> {
  latest = snapshot
  chartsHost.dataset.polls = String(++polls)
  for (const chart of timeCharts) chart.windowSeconds = snapshot.window_seconds
  history.record(Date.now() / 1000, snapshot, picker.selected)
  const ids = Object.keys(snapshot.tasks).sort()
  // Before the picker draws: the task shown first opens on its window, not on one point.
  await seedHistory(picker.selected ?? ids[0] ?? null)
  picker.sync(ids)
  setText('task-count', String(ids.length))
  setText('total-active', String(snapshot.active_tasks))
  setText('uptime', `${Math.floor(snapshot.uptime_seconds)} s`)
  setText('window', `${snapshot.window_seconds} s`)
  redraw()
}

async function poll(): Promise<void> {
  const status = element('status')
  try {
    await onSnapshot(await fetchJson<DashboardSnapshot>('dashboard'))
    status.textContent = `live · ${new Date().toLocaleTimeString()}`
    status.className = 'status live'
  } catch (err) {
    status.textContent = `agent unreachable (${err instanceof Error ? err.message : String(err)}), retrying`
    status.className = 'status down'
  } finally {
    setTimeout(() => void poll(), POLL_MS)
  }
}

void poll()
