// --remote-write: every --remote-write-interval, a snapshot of every family (the same
// walk as a protobuf scrape, native histograms included) is encoded once and queued for each
// endpoint; each endpoint's queue sends in order with retries. Its health is in the
// taskmeter_remote_write_* families of /metrics (and of the push itself), declared here.
import type { RemoteWriteConfig } from '../config/fleet-options.js'
import type { FamilySink } from '../expose/prometheus/family-sink.js'
import type { Logger } from '../logger.js'
import type { SelfMetric, SelfMetricType } from '../self-metrics/self-metric.js'
import { RemoteWriteQueue, type RemoteWriteStats, type SendOutcome } from './remote-write-queue.js'
import { TimeSeriesEncoder } from './time-series-encoder.js'

export interface FamilyEmitter {
  emitFamilies(sink: FamilySink): Promise<void>
}

const SEND_TIMEOUT_MS = 10_000
const USER_AGENT = 'taskmeter-agent'

interface Endpoint {
  /** The URL without credentials: the `remote` label and what logs show. */
  readonly name: string
  readonly url: string
  readonly authorization: string | null
  readonly queue: RemoteWriteQueue
}

function authorizationOf(url: URL, config: RemoteWriteConfig): string | null {
  if (url.username !== '')
    return (
      'Basic ' +
      Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')
    )
  if (config.bearerToken !== null) return `Bearer ${config.bearerToken}`
  if (config.basicAuth !== null)
    return 'Basic ' + Buffer.from(`${config.basicAuth.username}:${config.basicAuth.password}`).toString('base64')
  return null
}

/** One taskmeter_remote_write_* family: a series per endpoint, labelled by its URL without credentials. */
function endpointFamily(
  endpoints: readonly Endpoint[],
  name: string,
  type: SelfMetricType,
  help: string,
  read: (stats: RemoteWriteStats) => number,
): SelfMetric {
  return {
    name,
    help,
    type,
    label: { name: 'remote', values: endpoints.map((e) => e.name) },
    read: (index) => {
      const endpoint = endpoints[index]
      return endpoint === undefined ? 0 : read(endpoint.queue.stats)
    },
  }
}

function endpointFamilies(endpoints: readonly Endpoint[]): SelfMetric[] {
  return [
    endpointFamily(
      endpoints,
      'taskmeter_remote_write_samples_sent_total',
      'counter',
      'Samples the remote-write endpoint accepted (a native histogram is one sample)',
      (s) => s.samplesSent,
    ),
    endpointFamily(
      endpoints,
      'taskmeter_remote_write_samples_failed_total',
      'counter',
      'Samples the remote-write endpoint refused with a 4xx (not retried)',
      (s) => s.samplesFailed,
    ),
    endpointFamily(
      endpoints,
      'taskmeter_remote_write_samples_dropped_total',
      'counter',
      'Samples dropped because the queue (--remote-write-queue) was full',
      (s) => s.samplesDropped,
    ),
    endpointFamily(
      endpoints,
      'taskmeter_remote_write_samples_pending',
      'gauge',
      'Samples queued for the remote-write endpoint',
      (s) => s.samplesPending,
    ),
    endpointFamily(
      endpoints,
      'taskmeter_remote_write_retries_total',
      'counter',
      'Sends retried after a network error, 5xx or 429',
      (s) => s.retries,
    ),
    endpointFamily(
      endpoints,
      'taskmeter_remote_write_last_success_timestamp_seconds',
      'gauge',
      'When the endpoint last accepted a request (0 = never)',
      (s) => s.lastSuccessMs / 1000,
    ),
  ]
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref())

export class RemoteWriter {
  private readonly config: RemoteWriteConfig
  private readonly source: FamilyEmitter
  private readonly logger: Logger
  private readonly encoder: TimeSeriesEncoder
  private readonly endpoints: Endpoint[]
  private timer: NodeJS.Timeout | null = null
  private pushing: Promise<void> | null = null
  /** Samples queued since start, per snapshot sum (sent + failed + dropped + pending). */
  samplesQueued = 0
  /** Its health, the taskmeter_remote_write_* families: registered after the agent's other self families. */
  readonly selfMetrics: readonly SelfMetric[]

  constructor(config: RemoteWriteConfig, source: FamilyEmitter, logger: Logger) {
    this.config = config
    this.source = source
    this.logger = logger
    this.encoder = new TimeSeriesEncoder(config.labels)
    this.endpoints = config.urls.map((raw) => {
      const url = new URL(raw)
      const authorization = authorizationOf(url, config)
      url.username = ''
      url.password = ''
      const endpoint: Endpoint = {
        name: url.toString(),
        url: url.toString(),
        authorization,
        queue: new RemoteWriteQueue(config.queueSamples, (body) => this.post(endpoint, body), { timers: { sleep } }),
      }
      return endpoint
    })
    this.selfMetrics = endpointFamilies(this.endpoints)
  }

  start(): void {
    this.timer = setInterval(() => void this.pushOnce(), this.config.intervalSeconds * 1000).unref()
  }

  /** Takes one snapshot and queues it for every endpoint (a push still encoding is not doubled). */
  pushOnce(): Promise<void> {
    if (this.pushing !== null) return this.pushing
    this.pushing = (async () => {
      try {
        this.encoder.begin(Date.now())
        await this.source.emitFamilies(this.encoder)
        const requests = this.encoder.finish()
        for (const request of requests) this.samplesQueued += request.samples
        for (const endpoint of this.endpoints) endpoint.queue.enqueue(requests)
      } catch (err) {
        this.logger.warn({ err }, 'remote write: could not take a snapshot')
      }
    })().finally(() => (this.pushing = null))
    return this.pushing
  }

  private async post(endpoint: Endpoint, body: Uint8Array<ArrayBuffer>): Promise<SendOutcome> {
    const headers: Record<string, string> = {
      'Content-Encoding': 'snappy',
      'Content-Type': 'application/x-protobuf',
      'User-Agent': USER_AGENT,
      'X-Prometheus-Remote-Write-Version': '0.1.0',
    }
    if (endpoint.authorization !== null) headers.Authorization = endpoint.authorization
    const response = await fetch(endpoint.url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    })
    await response.arrayBuffer()
    if (response.ok) return 'sent'
    // Remote write 1.0: 5xx and 429 may be retried; any other 4xx must not be.
    if (response.status >= 500 || response.status === 429) return 'retry'
    this.logger.warn(
      { remote: endpoint.name, status: response.status },
      'remote write: the receiver refused a request; its samples are counted as failed',
    )
    return 'rejected'
  }

  /** Stops the timer, pushes a last snapshot and waits up to `timeoutMs` for the queues. */
  async close(
    timeoutMs = 3000,
  ): Promise<
    Array<{ remote: string; queued: number; sent: number; failed: number; dropped: number; pending: number }>
  > {
    if (this.timer !== null) clearInterval(this.timer)
    await this.pushOnce()
    await Promise.all(this.endpoints.map((e) => e.queue.drain(timeoutMs)))
    return this.endpoints.map((e) => ({
      remote: e.name,
      queued: this.samplesQueued,
      sent: e.queue.stats.samplesSent,
      failed: e.queue.stats.samplesFailed,
      dropped: e.queue.stats.samplesDropped,
      pending: e.queue.stats.samplesPending,
    }))
  }
}
