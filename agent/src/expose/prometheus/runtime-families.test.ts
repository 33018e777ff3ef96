// Our process and runtime families against prom-client's collectDefaultMetrics in the same
// process, both read back from their text: the same families in the same order, with the same
// types, help and label names; values finite and close to what Node itself reports. The reading
// that each emit ends the event-loop delay interval is checked on its own, as is close().
import { readFile } from 'node:fs'
import { type Server, createServer } from 'node:net'
import { getHeapStatistics } from 'node:v8'
import { Registry, collectDefaultMetrics } from 'prom-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { promtoolCheck } from '../../../../test/harness/hostile-exposition.js'
import { decodeMetricFamilies, flattenText, textFamilyTypes } from '../../../../test/harness/prometheus-proto.js'
import { findTool } from '../../../../test/harness/system-tool.js'
import type { FamilySink, FamilyType, SeriesLabels } from './family-sink.js'
import { ProtobufExposition } from './protobuf-exposition.js'
import { RuntimeFamilies } from './runtime-families.js'
import { encodeText } from './text-encode.test-support.js'
import { emitTextFamilies } from './text-family-source.test-support.js'

interface Sample {
  readonly labels: Readonly<Record<string, string>>
  /** The gauge or counter value; for a histogram, its count. */
  readonly value: number
  readonly sum: number
}

interface Family {
  readonly help: string
  readonly type: FamilyType
  readonly samples: Sample[]
}

/** The families of a text exposition by name, in order. */
class FamilyShapes implements FamilySink {
  readonly families = new Map<string, Family>()
  private current: Family | null = null

  family(name: string, help: string, type: FamilyType): void {
    this.current = { help, type, samples: [] }
    this.families.set(name, this.current)
  }
  private add(labels: SeriesLabels, value: number, sum: number): void {
    const named: Record<string, string> = {}
    labels.names.forEach((name, i) => {
      named[name] = labels.values[i] ?? ''
    })
    this.current?.samples.push({ labels: named, value, sum })
  }
  value(labels: SeriesLabels, _extraName: string | null, _extraValue: string | null, value: number): void {
    this.add(labels, value, 0)
  }
  summary(labels: SeriesLabels, count: number, sum: number): void {
    this.add(labels, count, sum)
  }
  histogram(labels: SeriesLabels, count: number, sum: number): void {
    this.add(labels, count, sum)
  }
  end(): void {}
}

function shapes(text: string): Map<string, Family> {
  const sink = new FamilyShapes()
  emitTextFamilies(text, sink)
  return sink.families
}

function labelNames(family: Family | undefined): string[] {
  const names = new Set<string>()
  for (const sample of family?.samples ?? []) for (const name of Object.keys(sample.labels)) names.add(name)
  return [...names].sort()
}

/** The one value of an unlabelled family. */
function single(families: Map<string, Family>, name: string): number {
  const samples = families.get(name)?.samples ?? []
  expect(samples, name).toHaveLength(1)
  return samples[0]?.value ?? Number.NaN
}

function sampleCount(families: Map<string, Family>, name: string, kind: string): number {
  return families.get(name)?.samples.find((s) => s.labels.kind === kind)?.value ?? 0
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function busyFor(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until) {}
}

/** Enough short-lived garbage for several scavenges (held a while, so no compiler elides it). */
function churn(): number {
  let held: { i: number }[] = []
  let made = 0
  for (let i = 0; i < 1_000_000; i++) {
    held.push({ i })
    if (held.length === 10_000) {
      made += held.length
      held = []
    }
  }
  return made
}

const LINT_FAILING_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
]

describe('RuntimeFamilies against prom-client collectDefaultMetrics', () => {
  let ours: RuntimeFamilies
  let oursText = ''
  let theirsText = ''
  let rssAtScrape = 0
  let heapAtScrape = 0
  let server: Server

  beforeAll(async () => {
    const registry = new Registry()
    collectDefaultMetrics({ register: registry })
    for (const name of LINT_FAILING_DEFAULTS) registry.removeSingleMetric(name)
    ours = new RuntimeFamilies()
    expect(churn()).toBeGreaterThan(0)
    // A listening server (an active handle) and a file read in flight (an active request) while
    // both collect, so the labelled families have series to compare.
    server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    await sleep(60)
    const reading = new Promise((resolve) => readFile(import.meta.filename, resolve))
    // prom-client collects synchronously inside metrics(); ours is synchronous: same instant.
    const theirs = registry.metrics()
    oursText = encodeText((encoder) => ours.emit(encoder))
    rssAtScrape = process.memoryUsage().rss
    heapAtScrape = getHeapStatistics().total_heap_size
    theirsText = await theirs
    await reading
  })

  afterAll(async () => {
    ours.close()
    await new Promise((resolve) => server.close(resolve))
  })

  it('have the same families, in order, with the same types, help and label names', () => {
    const mine = shapes(oursText)
    const theirs = shapes(theirsText)
    const outline = (families: Map<string, Family>) =>
      [...families].map(([name, f]) => ({ name, type: f.type, help: f.help, labels: labelNames(f) }))
    expect(outline(mine)).toEqual(outline(theirs))
    expect(mine.size).toBe(28)
    // Families that would compare equal with no series at all are seen to have some.
    expect(labelNames(mine.get('nodejs_active_handles'))).toEqual(['type'])
    expect(labelNames(mine.get('nodejs_active_requests'))).toEqual(['type'])
    expect(labelNames(mine.get('nodejs_active_resources'))).toEqual(['type'])
    expect(labelNames(mine.get('nodejs_heap_space_size_used_bytes'))).toEqual(['space'])
    expect(labelNames(mine.get('nodejs_version_info'))).toEqual(['major', 'minor', 'patch', 'version'])
    expect(labelNames(mine.get('nodejs_gc_duration_seconds'))).toEqual(['kind'])
    expect(oursText).toContain('nodejs_gc_duration_seconds_bucket{kind="minor",le="0.001"} ')
    expect(oursText).toContain('nodejs_active_handles{type="Server"} 1\n')
    expect(oursText).toContain('nodejs_active_requests{type="FSReqCallback"} 1\n')
  })

  it('report finite values close to what Node and prom-client report', () => {
    const mine = shapes(oursText)
    const theirs = shapes(theirsText)
    for (const [name, family] of mine)
      for (const sample of family.samples) expect(Number.isFinite(sample.value), `${name} ${sample.value}`).toBe(true)
    const rss = single(mine, 'process_resident_memory_bytes')
    expect(Math.abs(rss - rssAtScrape) / rssAtScrape).toBeLessThan(0.2)
    expect(
      Math.abs(single(mine, 'process_start_time_seconds') - single(theirs, 'process_start_time_seconds')),
    ).toBeLessThanOrEqual(2)
    expect(single(mine, 'process_virtual_memory_bytes')).toBeGreaterThan(rss)
    expect(single(mine, 'process_heap_bytes')).toBeGreaterThan(0)
    expect(Math.abs(single(mine, 'process_open_fds') - single(theirs, 'process_open_fds'))).toBeLessThanOrEqual(1)
    expect(single(mine, 'process_max_fds')).toBe(single(theirs, 'process_max_fds'))
    // Ours counts from the start of the process, prom-client's from its registry's creation.
    expect(single(mine, 'process_cpu_seconds_total')).toBeGreaterThanOrEqual(
      single(theirs, 'process_cpu_seconds_total'),
    )
    expect(single(mine, 'process_cpu_seconds_total')).toBeCloseTo(
      single(mine, 'process_cpu_user_seconds_total') + single(mine, 'process_cpu_system_seconds_total'),
      6,
    )
    const heap = single(mine, 'nodejs_heap_size_total_bytes')
    expect(Math.abs(heap - heapAtScrape) / heapAtScrape).toBeLessThan(0.2)
    expect(mine.get('nodejs_version_info')?.samples).toEqual(theirs.get('nodejs_version_info')?.samples)
    expect(mine.get('nodejs_version_info')?.samples[0]?.labels.version).toBe(process.version)
    // prom-client counts only the first collection of each observer callback; ours counts them all.
    expect(sampleCount(mine, 'nodejs_gc_duration_seconds', 'minor')).toBeGreaterThanOrEqual(
      Math.max(1, sampleCount(theirs, 'nodejs_gc_duration_seconds', 'minor')),
    )
  })

  it('end the event-loop delay interval at each emit', async () => {
    await sleep(40)
    const first = shapes(encodeText((encoder) => ours.emit(encoder)))
    expect(single(first, 'nodejs_eventloop_lag_max_seconds')).toBeGreaterThan(0)
    // Node's reset() forgets the last tick too, so a stall before the next tick goes unseen.
    await sleep(30)
    busyFor(150)
    await sleep(30)
    const stalled = shapes(encodeText((encoder) => ours.emit(encoder)))
    expect(single(stalled, 'nodejs_eventloop_lag_max_seconds')).toBeGreaterThanOrEqual(0.12)
    // The setImmediate queued by the first emit waited out the stall.
    expect(single(stalled, 'nodejs_eventloop_lag_seconds')).toBeGreaterThan(0)
    await sleep(50)
    const after = shapes(encodeText((encoder) => ours.emit(encoder)))
    expect(single(after, 'nodejs_eventloop_lag_max_seconds')).toBeLessThan(0.12)
    expect(single(after, 'nodejs_eventloop_lag_p50_seconds')).toBeGreaterThan(0)
  })

  it('reach the protobuf exposition as the same families, types and help', async () => {
    const decoded = decodeMetricFamilies(await new ProtobufExposition().render([ours]))
    const text = shapes(oursText)
    expect(decoded.map((f) => [f.name, f.type, f.help])).toEqual(
      [...textFamilyTypes(oursText)].map(([name, type]) => [name, type, text.get(name)?.help]),
    )
    const spaces = decoded.find((f) => f.name === 'nodejs_heap_space_size_total_bytes')?.metric ?? []
    expect(spaces.map((m) => m.label)).toContainEqual([{ name: 'space', value: 'old' }])
  })

  it('pass promtool check metrics without a lint (where promtool is installed; CI=true requires it)', async () => {
    const text = encodeText((encoder) => ours.emit(encoder))
    // Every line reads back as a comment or a sample, promtool or not.
    expect(flattenText(text).size).toBeGreaterThan(60)
    if (findTool('promtool') === null && process.env.CI !== 'true') return
    // Under CI=true a missing promtool fails here, with the package to install.
    expect(await promtoolCheck(text)).toEqual({ code: 0, output: '' })
  })
})

describe('RuntimeFamilies.close', () => {
  it('stops the event-loop sampler and the GC observer', async () => {
    const families = new RuntimeFamilies()
    expect(churn()).toBeGreaterThan(0)
    await sleep(40)
    families.close()
    const closed = shapes(encodeText((encoder) => families.emit(encoder)))
    const minorAtClose = sampleCount(closed, 'nodejs_gc_duration_seconds', 'minor')
    expect(minorAtClose).toBeGreaterThan(0)
    expect(churn()).toBeGreaterThan(0)
    await sleep(40)
    const later = shapes(encodeText((encoder) => families.emit(encoder)))
    // No delay sampled since the emit after close, and no collection counted.
    expect(single(later, 'nodejs_eventloop_lag_max_seconds')).toBe(0)
    expect(sampleCount(later, 'nodejs_gc_duration_seconds', 'minor')).toBe(minorAtClose)
  })
})
