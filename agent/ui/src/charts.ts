// The page's charts, drawn with the bundled uPlot (canvas: cheap to redraw every second, even on a
// phone). Each chart's host element carries data-points = the points it draws and, for a time
// chart, data-x-min / data-x-max = its x scale in seconds, which the Chromium test reads.
import type UPlot from 'uplot'
import type { DistributionBin } from './dashboard-types.js'
import { formatMs } from './number-format.js'
import type { Columns } from './task-history.js'

export interface LineSpec {
  label: string
  color: string
  dash?: number[]
}

export interface TimeChartSpec {
  format: (value: number) => string
  lines: LineSpec[]
  /** Upper bound of the y axis, when the quantity has one (a ratio). */
  yMax?: number
}

const AXIS_COLOR = '#8a8f98'
const GRID = { stroke: 'rgba(138, 143, 152, 0.2)', width: 1 }

function chartHeight(): number {
  return window.innerWidth < 640 ? 170 : 220
}

function widthOf(host: HTMLElement): number {
  return Math.max(200, Math.floor(host.clientWidth))
}

function yRange(max: number | null, cap: number | undefined): [number, number] {
  const top = max === null || !Number.isFinite(max) || max <= 0 ? 1 : max * 1.1
  return [0, cap === undefined ? top : Math.min(cap, top)]
}

function countPoints(columns: ReadonlyArray<ReadonlyArray<number | null>>): number {
  let points = 0
  for (let s = 1; s < columns.length; s++) for (const v of columns[s] ?? []) if (v !== null) points++
  return points
}

/**
 * The time axis: from the first sample to the last, and at least the agent's window. Left alone,
 * uPlot (1.6.32, autoScaleX) gives a lone x value a span of 86400 / ms, which with x in seconds
 * (ms = 1e-3) is 86.4 million seconds: a page with one poll drew ~2.7 years of empty axis. So the
 * range is taken from the data here, not from the min/max uPlot passes in.
 */
function xRange(times: ArrayLike<number>, windowSeconds: number): UPlot.Range.MinMax {
  const first = times[0]
  const last = times[times.length - 1]
  if (first === undefined || last === undefined) return [null, null]
  return [Math.min(first, last - windowSeconds), last]
}

/**
 * Lines are drawn without points, but a value between two gaps (the first poll after a quiet
 * stretch, say) has no line to be part of: those alone get a dot, or they would not show at all.
 */
function lonePoints(u: UPlot, seriesIdx: number): number[] {
  const ys = u.data[seriesIdx] ?? []
  const lone: number[] = []
  for (let i = 0; i < ys.length; i++) if (ys[i] != null && ys[i - 1] == null && ys[i + 1] == null) lone.push(i)
  return lone
}

export class TimeChart {
  private readonly plot: UPlot
  private readonly host: HTMLElement
  /** The agent's window (from /dashboard): the shortest span the x axis shows. */
  windowSeconds = 60

  constructor(host: HTMLElement, spec: TimeChartSpec) {
    this.host = host
    const opts: UPlot.Options = {
      width: widthOf(host),
      height: chartHeight(),
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true, range: (u) => xRange(u.data[0], this.windowSeconds) },
        y: { range: (_u, _min, max) => yRange(max, spec.yMax) },
      },
      hooks: {
        setScale: [
          (u, key) => {
            if (key !== 'x') return
            host.dataset.xMin = String(u.scales.x?.min ?? '')
            host.dataset.xMax = String(u.scales.x?.max ?? '')
          },
        ],
      },
      axes: [
        { stroke: AXIS_COLOR, grid: GRID, ticks: GRID },
        {
          stroke: AXIS_COLOR,
          grid: GRID,
          ticks: GRID,
          size: 70,
          values: (_u, splits) => splits.map((v) => spec.format(v)),
        },
      ],
      series: [
        {},
        ...spec.lines.map(
          (line): UPlot.Series => ({
            label: line.label,
            stroke: line.color,
            width: 1.5,
            spanGaps: false,
            points: { show: true, size: 5, filter: lonePoints },
            value: (_u, v) => (v === null ? '–' : spec.format(v)),
            ...(line.dash === undefined ? {} : { dash: line.dash }),
          }),
        ),
      ],
    }
    this.plot = new uPlot(opts, [[], ...spec.lines.map(() => [])], host)
    host.dataset.points = '0'
  }

  setData(columns: Columns): void {
    this.plot.setData(columns as UPlot.AlignedData)
    this.host.dataset.points = String(countPoints(columns))
  }

  resize(): void {
    this.plot.setSize({ width: widthOf(this.host), height: chartHeight() })
  }
}

/** Requests per latency bin (log-spaced bins, so the x axis reads like a log scale). */
export class DistributionChart {
  private readonly plot: UPlot
  private readonly host: HTMLElement
  private bins: DistributionBin[] = []

  constructor(host: HTMLElement) {
    this.host = host
    const bars = uPlot.paths.bars?.({ size: [0.9, 48], gap: 1 })
    const opts: UPlot.Options = {
      width: widthOf(host),
      height: chartHeight(),
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] },
        y: { range: (_u, _min, max) => yRange(max, undefined) },
      },
      axes: [
        {
          stroke: AXIS_COLOR,
          grid: { show: false },
          ticks: GRID,
          incrs: [1, 2, 4, 8, 16],
          values: (_u, splits) => splits.map((i) => this.labelOf(i)),
        },
        { stroke: AXIS_COLOR, grid: GRID, ticks: GRID, size: 60 },
      ],
      series: [
        { label: '≤ latency', value: (_u, i) => (i === null ? '–' : this.labelOf(i)) },
        {
          label: 'requests',
          stroke: '#e8743b',
          fill: 'rgba(232, 116, 59, 0.55)',
          points: { show: false },
          ...(bars === undefined ? {} : { paths: bars }),
        },
      ],
    }
    this.plot = new uPlot(opts, [[], []], host)
    host.dataset.points = '0'
  }

  private labelOf(index: number): string {
    const bin = Number.isInteger(index) ? this.bins[index] : undefined
    return bin === undefined ? '' : formatMs(bin.to_ms)
  }

  setBins(bins: DistributionBin[]): void {
    this.bins = bins
    const xs = bins.map((_b, i) => i)
    const counts = bins.map((b) => b.count)
    this.plot.setData([xs, counts])
    this.host.dataset.points = String(counts.filter((c) => c > 0).length)
  }

  resize(): void {
    this.plot.setSize({ width: widthOf(this.host), height: chartHeight() })
  }
}
