// The agent's routes by method and exact path (plus path prefixes for the page's assets). A dozen
// fixed routes need no router library: one Map lookup per request.
import type { IncomingHttpHeaders } from 'node:http'
import type { HttpAnswer } from './http-answer.js'

export interface RouteRequest {
  readonly method: string
  /** The path without the query, as sent (not percent-decoded). */
  readonly path: string
  readonly query: URLSearchParams
  readonly headers: IncomingHttpHeaders
  /** For a prefix route: what follows the prefix. */
  readonly rest: string
}

export type RouteHandler = (request: RouteRequest) => HttpAnswer | Promise<HttpAnswer>

interface PrefixRoute {
  readonly methods: ReadonlySet<string>
  readonly prefix: string
  readonly handler: RouteHandler
}

export interface FoundRoute {
  readonly handler: RouteHandler
  readonly rest: string
}

export class RouteTable {
  private readonly exact = new Map<string, RouteHandler>()
  private readonly prefixes: PrefixRoute[] = []

  /** GET, and HEAD with the same headers and no body (as every HTTP server answers HEAD). */
  get(path: string, handler: RouteHandler): void {
    this.add(['GET', 'HEAD'], path, handler)
  }

  add(methods: readonly string[], path: string, handler: RouteHandler): void {
    for (const method of methods) this.exact.set(`${method} ${path}`, handler)
  }

  /** GET and HEAD of every path that starts with `prefix`. */
  getPrefix(prefix: string, handler: RouteHandler): void {
    this.prefixes.push({ methods: new Set(['GET', 'HEAD']), prefix, handler })
  }

  find(method: string, path: string): FoundRoute | null {
    const handler = this.exact.get(`${method} ${path}`)
    if (handler !== undefined) return { handler, rest: '' }
    for (const route of this.prefixes)
      if (route.methods.has(method) && path.startsWith(route.prefix))
        return { handler: route.handler, rest: path.slice(route.prefix.length) }
    return null
  }
}
