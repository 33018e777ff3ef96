// The page's charts, drawn with the bundled uPlot (canvas: cheap to redraw every second, even on a
// phone). Each chart's host element carries data-points = the points it draws, which the Chromium
// test reads.
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

export class TimeChart {
  private readonly plot: UPlot
  private readonly host: HTMLElement

  constructor(host: HTMLElement, spec: TimeChartSpec) {
    this.host = host
    const opts: UPlot.Options = {
      width: widthOf(host),
      height: chartHeight(),
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => yRange(max, spec.yMax) } },
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
            points: { show: false },
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
