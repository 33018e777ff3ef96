// The active OpenTelemetry span, when the app has `@opentelemetry/api` (an optional peer
// dependency): its ids go with the timing or task end as an exemplar (SPEC.md §3.4). The API is
// looked up once per process with a guarded require, so an app without it pays nothing but one
// null check per timing, and never sees an import error.
import { createRequire } from 'node:module'
import { SPAN_ID_BYTES, TRACE_ID_BYTES } from '@taskmeter/protocol'
import { type ExemplarIds, hexInto } from './trace-ids.js'

// The few members of the OpenTelemetry API read here (typed locally: the package is optional).
interface SpanContextLike {
  traceId: unknown
  spanId: unknown
  traceFlags: unknown
}
interface OtelApi {
  context: { active(): unknown }
  trace: { getSpanContext(context: unknown): SpanContextLike | undefined }
}

// W3C trace flags bit 0: the span is sampled, so its trace will exist to link to.
const SAMPLED = 1
// Where every copy of the 1.x API keeps what the app registered (its global-utils: one key per
// major version). Until a context manager is registered there, context.active() is always the
// root context, which holds no span: one property read answers "no span" at a fraction of the
// cost of asking the API, so a timing in an app with the API but no tracing stays as fast.
const OTEL_GLOBAL = Symbol.for('opentelemetry.js.api.1')
type OtelGlobals = Record<symbol, { context?: unknown } | undefined>

export class ActiveSpan {
  private readonly api: OtelApi
  private readonly ids: ExemplarIds
  // The ids last decoded: a span's many timings decode them once.
  private lastTraceId: unknown
  private lastSpanId: unknown

  constructor(api: OtelApi) {
    this.api = api
    this.ids = { traceId: new Uint8Array(TRACE_ID_BYTES), spanId: new Uint8Array(SPAN_ID_BYTES) }
    this.lastTraceId = null
    this.lastSpanId = null
  }

  /**
   * The active span's ids when it is valid and sampled, else null. The answer is one reused pair
   * of buffers, valid until the next call. Never throws (a broken API is no span).
   */
  current(): ExemplarIds | null {
    try {
      const registered = (globalThis as unknown as OtelGlobals)[OTEL_GLOBAL]
      if (registered === undefined || registered.context === undefined) return null
      const api = this.api
      const span = api.trace.getSpanContext(api.context.active())
      if (span === undefined || span === null) return null
      if (typeof span.traceFlags !== 'number' || (span.traceFlags & SAMPLED) === 0) return null
      const { traceId, spanId } = span
      if (traceId === this.lastTraceId && spanId === this.lastSpanId) return this.ids
      this.lastTraceId = null
      if (!hexInto(traceId, this.ids.traceId) || !hexInto(spanId, this.ids.spanId)) return null
      this.lastTraceId = traceId
      this.lastSpanId = spanId
      return this.ids
    } catch {
      return null
    }
  }
}

function isOtelApi(value: unknown): value is OtelApi {
  if (typeof value !== 'object' || value === null) return false
  const { context, trace } = value as { context?: { active?: unknown }; trace?: { getSpanContext?: unknown } }
  return typeof context?.active === 'function' && typeof trace?.getSpanContext === 'function'
}

// undefined: not looked up yet; null: not installed (or not the API we know).
let loaded: OtelApi | null | undefined

/** The app's `@opentelemetry/api`, required at most once per process; null without it. */
export function loadOtelApi(): OtelApi | null {
  if (loaded !== undefined) return loaded
  loaded = null
  try {
    const api: unknown = createRequire(import.meta.url)('@opentelemetry/api')
    if (isOtelApi(api)) loaded = api
  } catch {
    // Not installed: the client sends no exemplars of its own accord.
  }
  return loaded
}

/** An ActiveSpan over the app's OpenTelemetry API, or null when it has none. */
export function activeSpanSource(): ActiveSpan | null {
  const api = loadOtelApi()
  return api === null ? null : new ActiveSpan(api)
}
