export { createClient } from './create-client.js'
export type {
  TaskmeterClient,
  ChildOptions,
  EndTimer,
  ReportOptions,
  StatName,
  RateTagsOrCallback,
  TagsOrCallback,
  MetricCall,
  CounterCall,
} from './client.js'
export type { StatCallback } from './stat-args.js'
export type { TaskStatus, TimerResult } from './task-timer.js'
export type { TraceIds } from './trace-ids.js'
export type { ClientOptions, ErrorHandler } from './options.js'
export type { ClientStats } from './client-stats.js'
export type { MockEvent } from './mock-transport.js'
export {
  TaskmeterError,
  TaskmeterDropError,
  DROP_REASONS,
  ERROR_CODES,
  type DropReason,
  type TaskmeterErrorCode,
} from './errors.js'
export { type TagInput, BARE_TAG_VALUE } from './tags.js'
export { wrap, tracked } from '@taskmeter/instrument'
export type { Recorder } from '@taskmeter/protocol'
