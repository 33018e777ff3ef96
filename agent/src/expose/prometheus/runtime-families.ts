// The process_* and nodejs_* families Prometheus users know from prom-client's
// collectDefaultMetrics (same names, types, help, labels and units), read straight from Node and
// /proc/self into whichever sink a scrape walks. It stands in for the prom-client registry: that
// cost 5 to 8 MiB of resident memory from start and rendered its text as a fresh string every
// scrape. Two figures differ on purpose: process_cpu_* count from the start of the process (the
// meaning Prometheus' own process collector gives them; prom-client counted from its registry's
// creation), and every collection a GC observer callback carries is counted (prom-client took the
// first of each).
// The *_total gauges (nodejs_active_handles_total and its two siblings) are left out: promtool
// rejects a gauge named *_total, and nodejs_active_handles / _requests / _resources carry the same
// figures by type.
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8'
import { type FamilySink, type FamilySource, SeriesLabels } from './family-sink.js'
import { EventLoopDelay } from './runtime-event-loop.js'
import { GcDurations } from './runtime-gc.js'
import { ProcStatus, maxFdCount, openFdCount } from './runtime-proc.js'
import { TypeCounts, activeHandles, activeRequests } from './runtime-type-counts.js'

const MICROS_PER_SECOND = 1e6
const SPACE_SUFFIX = '_space'
// The space names are V8's own few (new, old, code, large_object…); past this many something
// makes them up, and the cache starts over rather than grow.
const MAX_SPACE_NAMES = 64
const RESOURCES_HELP =
  'Number of active resources that are currently keeping the event loop alive, grouped by async resource type.'
const HANDLES_HELP = 'Number of active libuv handles grouped by handle type. Every handle type is C++ class name.'
const REQUESTS_HELP = 'Number of active libuv requests grouped by request type. Every request type is C++ class name.'

/** `v20.11.1` → the version info labels, numbers as text, as prom-client writes them. */
function versionLabels(version: string): SeriesLabels {
  const [major, minor, patch] = version.slice(1).split('.').map(Number)
  return new SeriesLabels(
    ['version', 'major', 'minor', 'patch'],
    [version, String(major), String(minor), String(patch)],
  )
}

/**
 * process_* and nodejs_* families for any FamilySink (text, protobuf, remote write).
 *
 * Wiring: create ONE instance at agent start (`new RuntimeFamilies()`, no arguments) and pass the
 * same instance among the sources of every render (text scrapes, protobuf scrapes, remote write),
 * where the prom-client registry and collectProcessFamilies were; creating it starts the event-loop
 * delay sampler and the GC observer, so the figures cover the whole life of the agent. Call
 * close() at shutdown: it stops the sampler and disconnects the observer.
 *
 * Each emit() ends the event-loop delay interval: nodejs_eventloop_lag_{min,max,mean,stddev,p*}
 * report the delays since the previous emit of any render, as prom-client's registry did.
 * emit() is synchronous (no pause needed) and well under a millisecond: a few /proc reads and V8
 * calls; most of it is the delay histogram's standard deviation, which Node computes by walking
 * its buckets (prom-client paid the same).
 */
export class RuntimeFamilies implements FamilySource {
  private readonly noLabels = new SeriesLabels([], [])
  private readonly version = versionLabels(process.version)
  /** Whole seconds since the epoch, as prom-client computes it. */
  private readonly startSeconds = Math.round(Date.now() / 1000 - process.uptime())
  /** The soft limit, read once: it is set before the agent starts. NaN: no procfs, no family. */
  private readonly maxFds = maxFdCount()
  /** /proc/self/status on Linux; elsewhere only the resident size is reported (process.memoryUsage). */
  private readonly status = process.platform === 'linux' ? new ProcStatus() : null
  private readonly eventLoop = new EventLoopDelay()
  private readonly gc = new GcDurations()
  private readonly types = new TypeCounts()
  /** V8's space names (`old_space`) → the `space` label (`old`). */
  private readonly spaceNames = new Map<string, string>()

  emit(sink: FamilySink): void {
    const none = this.noLabels
    const cpu = process.cpuUsage()
    sink.family('process_cpu_user_seconds_total', 'Total user CPU time spent in seconds.', 'counter')
    sink.value(none, null, null, cpu.user / MICROS_PER_SECOND)
    sink.family('process_cpu_system_seconds_total', 'Total system CPU time spent in seconds.', 'counter')
    sink.value(none, null, null, cpu.system / MICROS_PER_SECOND)
    sink.family('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', 'counter')
    sink.value(none, null, null, (cpu.user + cpu.system) / MICROS_PER_SECOND)
    sink.family('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', 'gauge')
    sink.value(none, null, null, this.startSeconds)
    this.emitMemory(sink)
    this.eventLoop.emit(sink, none)
    this.emitActive(sink)
    this.emitHeap(sink)
    sink.family('nodejs_version_info', 'Node.js version info.', 'gauge')
    sink.value(this.version, null, null, 1)
    this.gc.emit(sink)
  }

  /** Stops the event-loop delay sampler and the GC observer; emit() still answers, with frozen figures. */
  close(): void {
    this.eventLoop.close()
    this.gc.close()
  }

  private emitMemory(sink: FamilySink): void {
    const none = this.noLabels
    const status = this.status
    sink.family('process_resident_memory_bytes', 'Resident memory size in bytes.', 'gauge')
    if (status === null) {
      sink.value(none, null, null, process.memoryUsage.rss())
    } else {
      status.read()
      sink.value(none, null, null, status.residentBytes)
      sink.family('process_virtual_memory_bytes', 'Virtual memory size in bytes.', 'gauge')
      sink.value(none, null, null, status.virtualBytes)
      sink.family('process_heap_bytes', 'Process heap size in bytes.', 'gauge')
      sink.value(none, null, null, status.dataBytes)
      sink.family('process_open_fds', 'Number of open file descriptors.', 'gauge')
      sink.value(none, null, null, openFdCount())
    }
    if (Number.isNaN(this.maxFds)) return
    sink.family('process_max_fds', 'Maximum number of open file descriptors.', 'gauge')
    sink.value(none, null, null, this.maxFds)
  }

  private emitActive(sink: FamilySink): void {
    const none = this.noLabels
    this.types
      .countNames(process.getActiveResourcesInfo())
      .emitFamily(sink, none, 'nodejs_active_resources', RESOURCES_HELP)
    const handles = activeHandles()
    if (handles !== null) this.types.countClasses(handles).emitFamily(sink, none, 'nodejs_active_handles', HANDLES_HELP)
    const requests = activeRequests()
    if (requests !== null)
      this.types.countClasses(requests).emitFamily(sink, none, 'nodejs_active_requests', REQUESTS_HELP)
  }

  private emitHeap(sink: FamilySink): void {
    const none = this.noLabels
    const heap = getHeapStatistics()
    sink.family('nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes.', 'gauge')
    sink.value(none, null, null, heap.total_heap_size)
    sink.family('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.', 'gauge')
    sink.value(none, null, null, heap.used_heap_size)
    sink.family('nodejs_external_memory_bytes', 'Node.js external memory size in bytes.', 'gauge')
    sink.value(none, null, null, heap.external_memory)
    const spaces = getHeapSpaceStatistics()
    sink.family('nodejs_heap_space_size_total_bytes', 'Process heap space size total from Node.js in bytes.', 'gauge')
    for (const space of spaces) sink.value(none, 'space', this.spaceLabel(space.space_name), space.space_size)
    sink.family('nodejs_heap_space_size_used_bytes', 'Process heap space size used from Node.js in bytes.', 'gauge')
    for (const space of spaces) sink.value(none, 'space', this.spaceLabel(space.space_name), space.space_used_size)
    sink.family(
      'nodejs_heap_space_size_available_bytes',
      'Process heap space size available from Node.js in bytes.',
      'gauge',
    )
    for (const space of spaces) sink.value(none, 'space', this.spaceLabel(space.space_name), space.space_available_size)
  }

  private spaceLabel(spaceName: string): string {
    let label = this.spaceNames.get(spaceName)
    if (label === undefined) {
      if (this.spaceNames.size >= MAX_SPACE_NAMES) this.spaceNames.clear()
      const cut = spaceName.indexOf(SPACE_SUFFIX)
      // prom-client cuts at `_space`; a name without it would come out empty there, kept whole here.
      label = cut < 0 ? spaceName : spaceName.slice(0, cut)
      this.spaceNames.set(spaceName, label)
    }
    return label
  }
}
