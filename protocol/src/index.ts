export * from './spec.js'
export * from './reasons.js'
export {
  BatchEncoder,
  encodeName,
  encodeTags,
  encodeClientId,
  encodeSenderId,
  exemplarReason,
  setMemberReason,
  type EncodedBytes,
  type SetMember,
  type TagInput,
} from './encode.js'
export {
  createEventView,
  decodeDatagram,
  decodeTags,
  decodeText,
  isProtocolDatagram,
  type EventSink,
  type EventView,
  type InflightReportView,
} from './decode.js'
export {
  collectDatagram,
  type DecodedDatagram,
  type DecodedEvent,
  type DecodedExemplar,
  type DecodedSetEvent,
  type DecodedValueEvent,
  type DecodedInflightReport,
  type DecodedHeader,
  type DecodedItem,
} from './collect.js'
export type {
  Recorder,
  RecorderAsyncTimer,
  RecorderCallback,
  RecorderCounterCall,
  RecorderMetricCall,
  RecorderName,
  RecorderRateTagsOrCallback,
  RecorderSetCall,
  RecorderTags,
  RecorderTagsOrCallback,
  RecorderTimer,
  RecorderTimingCall,
  EndTimer,
  TaskStatus,
  TimerResult,
} from './recorder.js'
