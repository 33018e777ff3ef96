// createClient() options: names follow hot-shots where they overlap, so its users know them.
// Validated once here, with environment fallbacks, into a frozen ResolvedOptions; nothing else in
// the client reads process.env, so every setting is checked in one place, at startup.
import { randomBytes } from 'node:crypto'
import { isIPv6 } from 'node:net'
import { hostname } from 'node:os'
import { performance } from 'node:perf_hooks'
import {
  DEFAULT_MAX_DATAGRAM_BYTES,
  MAX_DATAGRAM_BYTES,
  MAX_FLUSH_INTERVAL_MS,
  MAX_CLIENT_ID_BYTES,
  MAX_NAME_BYTES,
  MIN_FLUSH_INTERVAL_MS,
} from '@taskmeter/protocol'
import { TaskmeterError } from './errors.js'
import type { TagInput } from './tags.js'

export const DEFAULT_HOST = '127.0.0.1'
export const DEFAULT_PORT = 8125
export const DEFAULT_REPORT_PORT = 3000
export const DEFAULT_FLUSH_INTERVAL_MS = 100
export const DEFAULT_REPORT_TIMEOUT_MS = 2000
// BatchEncoder's own floor: room for the prefix and a few small events.
export const MIN_DATAGRAM_BYTES = 64
// Default datagram size when the agent is on loopback (the sidecar case), which SPEC.md §1 allows
// up to 65507. Measured on a 2-vCPU VM, Node 20, Linux loopback:
// - a socket.send costs about the same at any size (9..15 µs), so timing() cost 85 ns/call at
//   8192-byte datagrams and 64 at 16384 (1432: 115..170);
// - the kernel charges a datagram below ~16 KB a power-of-two slab, above it pages: the default
//   212992-byte SO_RCVBUF held 96 KB of 8192-byte datagrams but 192 KB of 16384-byte ones, so the
//   agent survives a burst twice as long before the kernel drops.
// Larger sizes keep 192 KB too, but each lost datagram then loses more events.
export const LOOPBACK_MAX_DATAGRAM_BYTES = 16384

export type ErrorHandler = (error: TaskmeterError) => void

export interface ClientOptions {
  /** Agent host; env TASKMETER_HOST; default 127.0.0.1. Resolved once (connected socket). */
  host?: string
  /** Agent UDP port; env TASKMETER_PORT; default 8125. */
  port?: number
  /** Prepended to every name. */
  prefix?: string
  /** Tags on every event. */
  tags?: TagInput
  /** hot-shots name for `tags`. */
  globalTags?: TagInput
  /** Largest datagram in bytes, 64..65507; default 16384 for a loopback host, else 1432 (SPEC.md §1). */
  maxBufferSize?: number
  /** Send what is buffered at least this often, ms 1..60000; default 100. */
  bufferFlushInterval?: number
  /** Default sample rate of increment/decrement, (0, 1]; default 1 (other calls take theirs per call). */
  sampleRate?: number
  /** Receives every failure; called inside try/catch. Without it failures are counted silently. */
  errorHandler?: ErrorHandler
  /** Record events in memory (client.mockEvents) and send nothing: for the app's own tests. */
  mock?: boolean
  /** Base URL of the agent's HTTP server for report(); default http://<host>:3000. */
  reportUrl?: string
  /** report() gives up after this many ms; default 2000. */
  reportTimeoutMs?: number
  /**
   * Who this client is in each datagram's header (SPEC.md §3.3), 1..64 bytes; env
   * TASKMETER_CLIENT_ID; default `<hostname>:<pid>:<4 random hex>`, chosen once per client. The
   * agent counts lost datagrams per id: give one id to one client instance at a time.
   */
  clientId?: string
  /** Number every datagram (protocol v1.1 header); false sends plain v1, for agents older than v1.1. Default true. */
  sequence?: boolean
  /**
   * Send exemplars (protocol type 11): the active OpenTelemetry span's ids and withTrace()'s go
   * with the timings. false for an agent older than type 11, which counts each as bad_type; env
   * TASKMETER_EXEMPLARS (0 / 1); default true.
   */
  exemplars?: boolean
  /** Testing hook: a monotonic clock in ms (default performance.now). */
  now?: () => number
  /** Testing hook: uniform [0, 1) source for sampling (default Math.random). */
  random?: () => number
  /** Testing hook: the environment to read fallbacks from (default process.env). */
  env?: Readonly<Record<string, string | undefined>>
}

export interface ResolvedOptions {
  readonly host: string
  readonly port: number
  readonly prefix: string
  readonly tags: TagInput | null
  readonly maxDatagramBytes: number
  readonly flushIntervalMs: number
  readonly sampleRate: number
  readonly errorHandler: ErrorHandler | null
  readonly mock: boolean
  readonly reportUrl: string
  readonly reportTimeoutMs: number
  readonly clientId: string
  readonly sequence: boolean
  readonly exemplars: boolean
  readonly now: () => number
  readonly random: () => number
}

function invalid(option: string, allowed: string, got: unknown): TaskmeterError {
  const shown = typeof got === 'string' ? JSON.stringify(got) : typeof got === 'function' ? 'a function' : String(got)
  return new TaskmeterError('TM_ERR_INVALID_OPTION', `taskmeter client: ${option} must be ${allowed} (got ${shown})`)
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$/.test(host)
}

function integerIn(option: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(option, `an integer ${min}..${max}`, value)
  }
  return value
}

function portFrom(options: ClientOptions, env: Readonly<Record<string, string | undefined>>): number {
  if (options.port !== undefined) return integerIn('port', options.port, 1, 65535)
  const text = env.TASKMETER_PORT
  if (text === undefined || text === '') return DEFAULT_PORT
  if (!/^[0-9]{1,5}$/.test(text)) throw invalid('TASKMETER_PORT', 'an integer 1..65535', text)
  return integerIn('TASKMETER_PORT', Number(text), 1, 65535)
}

function hostFrom(options: ClientOptions, env: Readonly<Record<string, string | undefined>>): string {
  if (options.host !== undefined) {
    if (typeof options.host !== 'string' || options.host.length === 0)
      throw invalid('host', 'a non-empty string', options.host)
    return options.host
  }
  const text = env.TASKMETER_HOST
  return text === undefined || text === '' ? DEFAULT_HOST : text
}

function reportUrlFrom(options: ClientOptions, host: string): string {
  if (options.reportUrl === undefined) {
    return `http://${isIPv6(host) ? `[${host}]` : host}:${DEFAULT_REPORT_PORT}`
  }
  const text = options.reportUrl
  let url: URL | null = null
  try {
    url = typeof text === 'string' ? new URL(text) : null
  } catch {
    url = null
  }
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw invalid('reportUrl', 'an http(s) URL', text)
  }
  return text.replace(/\/+$/, '')
}

function tagsFrom(options: ClientOptions): TagInput | null {
  if (options.tags !== undefined && options.globalTags !== undefined) {
    throw new TaskmeterError(
      'TM_ERR_INVALID_OPTION',
      'taskmeter client: give tags or globalTags (its hot-shots name), not both',
    )
  }
  const tags = options.tags ?? options.globalTags ?? null
  if (tags !== null && typeof tags !== 'object') {
    throw invalid('tags', "an object or Map of string to string, or an array of 'key:value'", tags)
  }
  return tags
}

// Room a datagram keeps beside its header: the prefix, a small event.
const HEADER_ROOM_BYTES = 4 + 16

/** The bytes of the header [0, id, sequence] at most: array, type, str header, uint32. */
function headerBytes(id: string): number {
  const length = Buffer.byteLength(id)
  return 2 + (length < 32 ? 1 : 2) + length + 5
}

/**
 * `<hostname>:<pid>:<4 random hex>`, the hostname cut so that the id fits its 64 bytes and its
 * header leaves room for events in a `maxBytes` datagram.
 */
export function defaultClientId(maxBytes = MAX_DATAGRAM_BYTES): string {
  const tail = `:${process.pid}:${randomBytes(2).toString('hex')}`
  let host = hostname() || 'host'
  const fits = (id: string): boolean =>
    Buffer.byteLength(id) <= MAX_CLIENT_ID_BYTES && headerBytes(id) + HEADER_ROOM_BYTES <= maxBytes
  while (host.length > 0 && !fits(host + tail)) host = host.slice(0, -1)
  return host + tail
}

function clientIdFrom(
  options: ClientOptions,
  env: Readonly<Record<string, string | undefined>>,
  maxBytes: number,
): string {
  const given = options.clientId ?? env.TASKMETER_CLIENT_ID
  if (given === undefined || given === '') {
    if (options.clientId === '') throw invalid('clientId', `a string of 1..${MAX_CLIENT_ID_BYTES} bytes`, given)
    return defaultClientId(maxBytes)
  }
  const option = options.clientId === undefined ? 'TASKMETER_CLIENT_ID' : 'clientId'
  if (typeof given !== 'string' || Buffer.byteLength(given) > MAX_CLIENT_ID_BYTES)
    throw invalid(option, `a string of 1..${MAX_CLIENT_ID_BYTES} bytes`, given)
  return given
}

function exemplarsFrom(options: ClientOptions, env: Readonly<Record<string, string | undefined>>): boolean {
  if (options.exemplars !== undefined) {
    if (typeof options.exemplars !== 'boolean') throw invalid('exemplars', 'a boolean', options.exemplars)
    return options.exemplars
  }
  const text = env.TASKMETER_EXEMPLARS
  if (text === undefined || text === '') return true
  if (text === '0' || text === '1') return text === '1'
  throw invalid('TASKMETER_EXEMPLARS', '0 or 1', text)
}

function functionOr<T>(option: string, value: unknown, fallback: T): T {
  if (value === undefined) return fallback
  if (typeof value !== 'function') throw invalid(option, 'a function', value)
  return value as T
}

export function resolveOptions(options: ClientOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw invalid('options', 'an object', options)
  const env = options.env ?? process.env
  const host = hostFrom(options, env)
  const prefix = options.prefix ?? ''
  // A prefix must leave room for at least one byte of name (SPEC.md §7: names are 1..200 bytes).
  if (typeof prefix !== 'string' || Buffer.byteLength(prefix) >= MAX_NAME_BYTES) {
    throw invalid('prefix', `a string under ${MAX_NAME_BYTES} bytes`, prefix)
  }
  const sampleRate = options.sampleRate ?? 1
  if (typeof sampleRate !== 'number' || !(sampleRate > 0 && sampleRate <= 1)) {
    throw invalid('sampleRate', 'a number in (0, 1]', sampleRate)
  }
  const mock = options.mock ?? false
  if (typeof mock !== 'boolean') throw invalid('mock', 'a boolean', mock)
  const sequence = options.sequence ?? true
  if (typeof sequence !== 'boolean') throw invalid('sequence', 'a boolean', sequence)
  const maxDatagramBytes = integerIn(
    'maxBufferSize',
    options.maxBufferSize ?? (isLoopbackHost(host) ? LOOPBACK_MAX_DATAGRAM_BYTES : DEFAULT_MAX_DATAGRAM_BYTES),
    MIN_DATAGRAM_BYTES,
    MAX_DATAGRAM_BYTES,
  )
  const clientId = clientIdFrom(options, env, maxDatagramBytes)
  // The header (at most 2 + 66 + 5 bytes) and a small event must fit in every datagram.
  if (sequence && headerBytes(clientId) + HEADER_ROOM_BYTES > maxDatagramBytes)
    throw invalid(
      'maxBufferSize',
      `room for the clientId header (clientId ${JSON.stringify(clientId)})`,
      maxDatagramBytes,
    )
  return Object.freeze({
    host,
    port: portFrom(options, env),
    prefix,
    tags: tagsFrom(options),
    maxDatagramBytes,
    flushIntervalMs: integerIn(
      'bufferFlushInterval',
      options.bufferFlushInterval ?? DEFAULT_FLUSH_INTERVAL_MS,
      MIN_FLUSH_INTERVAL_MS,
      MAX_FLUSH_INTERVAL_MS,
    ),
    sampleRate,
    errorHandler: functionOr<ErrorHandler | null>('errorHandler', options.errorHandler, null),
    mock,
    reportUrl: reportUrlFrom(options, host),
    reportTimeoutMs: integerIn('reportTimeoutMs', options.reportTimeoutMs ?? DEFAULT_REPORT_TIMEOUT_MS, 1, 600_000),
    clientId,
    sequence,
    exemplars: exemplarsFrom(options, env),
    now: functionOr('now', options.now, () => performance.now()),
    random: functionOr('random', options.random, Math.random),
  })
}
