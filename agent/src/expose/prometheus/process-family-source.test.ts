// prom-client's families from its structured values give the sinks what its text gives once parsed:
// the same families, types, help, series, labels (numbers as text) and values, NaN included.
import { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client'
import { describe, expect, it } from 'vitest'
import type { FamilySink, FamilyType, SeriesLabels } from './family-sink.js'
import { collectProcessFamilies } from './process-family-source.js'
import { RenderPause } from './render-pause.js'
import { emitTextFamilies } from './text-family-source.test-support.js'

type Call = [string, ...unknown[]]

class RecordingSink implements FamilySink {
  readonly calls: Call[] = []
  family(name: string, help: string, type: FamilyType): void {
    this.calls.push(['family', name, help, type])
  }
  value(labels: SeriesLabels, extraName: string | null, extraValue: string | null, value: number): void {
    this.calls.push(['value', labels.names, labels.values, extraName, extraValue, value])
  }
  summary(l: SeriesLabels, count: number, sum: number, q: ArrayLike<number>, v: ArrayLike<number>): void {
    this.calls.push(['summary', l.names, l.values, count, sum, [...Array.from(q)], [...Array.from(v)]])
  }
  histogram(l: SeriesLabels, count: number, sum: number, b: ArrayLike<number>, c: ArrayLike<number>): void {
    this.calls.push(['histogram', l.names, l.values, count, sum, [...Array.from(b)], [...Array.from(c)]])
  }
  end(): void {
    this.calls.push(['end'])
  }
}

function registry(): Registry {
  const registry = new Registry()
  const registers = [registry]
  const requests = new Counter({
    name: 'app_requests_total',
    help: 'Requests\\with "q"',
    labelNames: ['code'],
    registers,
  })
  requests.inc({ code: 200 }, 3)
  requests.inc({ code: 500 })
  const lag = new Gauge({ name: 'app_lag_seconds', help: 'Lag', labelNames: ['major'], registers })
  lag.set({ major: 20 }, Number.NaN)
  new Gauge({ name: 'app_idle', help: 'No samples yet', labelNames: ['x'], registers })
  const buckets = [0.001, 0.1, 1]
  const gc = new Histogram({ name: 'app_gc_seconds', help: 'GC', labelNames: ['kind'], buckets, registers })
  gc.observe({ kind: 'minor' }, 0.0005)
  gc.observe({ kind: 'minor' }, 0.5)
  gc.observe({ kind: 'major' }, 2)
  const sizes = new Summary({ name: 'app_size', help: 'Sizes', percentiles: [0.5, 0.9], registers })
  sizes.observe(10)
  sizes.observe(30)
  return registry
}

describe('prom-client families from getMetricsAsJSON', () => {
  it('match the families of its text, parsed', async () => {
    const source = registry()
    const fromText = new RecordingSink()
    emitTextFamilies(await source.metrics(), fromText)
    const fromValues = new RecordingSink()
    ;(await collectProcessFamilies(source)).emit(fromValues, new RenderPause())
    expect(fromValues.calls.length).toBeGreaterThan(8)
    expect(fromValues.calls).toEqual(fromText.calls)
    expect(fromValues.calls).toContainEqual(['value', ['major'], ['20'], null, null, Number.NaN])
    expect(fromValues.calls).toContainEqual(['histogram', ['kind'], ['minor'], 2, 0.5005, [0.001, 0.1, 1], [1, 1, 2]])
  })
})
