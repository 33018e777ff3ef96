// The agent's HTTP server on node:http: routes from a RouteTable, the hardening every answer
// shares, bounded requests, and a shutdown that lets started responses finish. A framework would
// cost a sidecar ~17 MiB of resident memory for a dozen fixed GET routes without bodies.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { MetricsAuth } from '../../config/metrics-auth.js'
import type { Logger } from '../../logger.js'
import { type HttpAnswer, jsonAnswer } from './http-answer.js'
import { failedAnswer, notFound, refuseUnauthorized } from './http-hardening.js'
import { ResponseDrain } from './response-drain.js'
import type { RouteTable } from './route-table.js'

/** A scrape or a dashboard poll never needs a body: a larger upload is refused unread. */
const BODY_LIMIT_BYTES = 16 * 1024
/** A client that sends its request, or stays silent, longer than this loses the connection. */
const REQUEST_TIMEOUT_MS = 10_000

const CLOSING: HttpAnswer = jsonAnswer(503, { error: 'shutting down' })
const TOO_LARGE: HttpAnswer = jsonAnswer(413, { error: `request body over ${BODY_LIMIT_BYTES} bytes` })

export class HttpListener {
  readonly server: Server
  private readonly routes: RouteTable
  private readonly logger: Logger
  private readonly auth: MetricsAuth | null
  private readonly drain = new ResponseDrain()
  private closing = false

  constructor(routes: RouteTable, logger: Logger, auth: MetricsAuth | null) {
    this.routes = routes
    this.logger = logger
    this.auth = auth
    this.server = createServer(
      { requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: REQUEST_TIMEOUT_MS },
      (request, response) => this.handle(request, response),
    )
    this.server.setTimeout(REQUEST_TIMEOUT_MS)
  }

  listen(port: number, host: string): Promise<number> {
    const server = this.server
    return new Promise((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => {
        server.off('error', reject)
        resolve(this.port)
      })
    })
  }

  /** The bound port (after listen()). */
  get port(): number {
    return (this.server.address() as AddressInfo).port
  }

  /**
   * Answers new requests 503, waits for started responses, then closes. The wait comes first:
   * server.close() would destroy a connection whose ended response is still queued (drain above).
   */
  async close(): Promise<void> {
    if (this.closing) return
    this.closing = true
    await this.drain.settled()
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    this.server.closeAllConnections()
    await closed
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    this.drain.track(response)
    // Bodies are never read: drain whatever comes so a kept-alive connection stays usable.
    request.resume()
    this.answer(request)
      .then(
        (answer) => this.write(request, response, answer),
        (err: unknown) => this.write(request, response, this.failed(request, err)),
      )
      // A header Node refuses to write: the client gets a cut connection, the agent goes on.
      .catch(() => response.destroy())
  }

  private async answer(request: IncomingMessage): Promise<HttpAnswer> {
    if (this.closing) return CLOSING
    const url = request.url ?? '/'
    const mark = url.indexOf('?')
    const path = mark < 0 ? url : url.slice(0, mark)
    const method = request.method ?? 'GET'
    const denied = refuseUnauthorized(path, request.headers.authorization, this.auth)
    if (denied !== null) return denied
    if (Number(request.headers['content-length'] ?? 0) > BODY_LIMIT_BYTES) return TOO_LARGE
    const found = this.routes.find(method, path)
    if (found === null) return notFound(method, path)
    const query = new URLSearchParams(mark < 0 ? '' : url.slice(mark + 1))
    return found.handler({ method, path, query, headers: request.headers, rest: found.rest })
  }

  private failed(request: IncomingMessage, err: unknown): HttpAnswer {
    const answer = failedAnswer(err)
    if (answer.status >= 500) this.logger.error({ err, url: request.url }, 'request failed')
    return answer
  }

  private write(request: IncomingMessage, response: ServerResponse, answer: HttpAnswer): void {
    if (response.destroyed) return
    response.statusCode = answer.status
    for (const name in answer.headers) response.setHeader(name, answer.headers[name] as string)
    // Task names are sender-chosen text: no browser may sniff /report or /dashboard into HTML.
    response.setHeader('x-content-type-options', 'nosniff')
    if (this.closing || answer === TOO_LARGE) response.setHeader('connection', 'close')
    const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body
    if (answer.status === 304 || answer.status === 204) {
      response.end()
      return
    }
    response.setHeader('content-length', body.length)
    response.end(request.method === 'HEAD' ? undefined : body)
  }
}
