// The package entry of @taskmeter/agent. Importing it starts nothing (no socket, timer or server):
// createMonitor() builds an in-process monitor, serve() opens a port when asked. The CLI is the
// separate entry dist/cli.js (bin taskmeter-agent).
export { Aggregator, type AggregatorOptions } from './aggregate/aggregator.js'
export type {
  DashboardSnapshot,
  TaskSnapshot,
  HistogramSnapshot,
  LatencySummaryMs,
} from './expose/ui/dashboard-snapshot.js'
export { Monitor, createMonitor, type MonitorStats } from './monitor/monitor.js'
export type { MonitorOptions } from './monitor/monitor-options.js'
export type { MonitorServer, ServeOptions } from './monitor/monitor-exposure.js'
export type { MetricsAuth } from './config/metrics-auth.js'
export { wrap, tracked } from '@taskmeter/instrument'
export { TaskmeterError } from './config/taskmeter-error.js'
export type { Recorder, EndTimer, TaskStatus, TimerResult, TagInput } from '@taskmeter/protocol'
