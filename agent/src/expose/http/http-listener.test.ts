// The listener over a real socket: routing by method and path, HEAD, the shared refusals, errors
// without internals, and the 503 a kept-alive connection gets once shutdown began.
import http from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { jsonAnswer, textAnswer } from './http-answer.js'
import { HttpListener } from './http-listener.js'
import { RouteTable } from './route-table.js'

const logged: object[] = []
const logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: (obj: object) => void logged.push(obj),
}

let listener: HttpListener | null = null

async function serve(routes: RouteTable): Promise<string> {
  listener = new HttpListener(routes, logger, { kind: 'bearer', token: 't' })
  return `http://127.0.0.1:${await listener.listen(0, '127.0.0.1')}`
}

const auth = { authorization: 'Bearer t' }

afterEach(async () => {
  await listener?.close()
  listener = null
  logged.length = 0
})

describe('HttpListener', () => {
  it('routes by method and exact path, with the query parsed and HEAD sending no body', async () => {
    const routes = new RouteTable()
    routes.get('/echo', (request) => textAnswer(200, request.query.getAll('a').join('+')))
    routes.getPrefix('/files/', (request) => textAnswer(200, `file ${request.rest}`))
    const base = await serve(routes)
    const got = await fetch(`${base}/echo?a=1&a=2`, { headers: auth })
    expect(got.status).toBe(200)
    expect(await got.text()).toBe('1+2')
    expect(got.headers.get('x-content-type-options')).toBe('nosniff')
    const head = await fetch(`${base}/echo?a=xyz`, { method: 'HEAD', headers: auth })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe('3')
    expect(await head.text()).toBe('')
    expect(await (await fetch(`${base}/files/a/b.js`, { headers: auth })).text()).toBe('file a/b.js')
    const post = await fetch(`${base}/echo`, { method: 'POST', body: 'x', headers: auth })
    expect(post.status).toBe(404)
    expect(await post.json()).toEqual({ error: 'not found', method: 'POST', url: '/echo' })
    expect((await fetch(`${base}/echo/`, { headers: auth })).status).toBe(404)
  })

  it('asks for credentials before it says whether a route exists', async () => {
    const base = await serve(new RouteTable())
    const denied = await fetch(`${base}/anything`)
    expect(denied.status).toBe(401)
    expect(denied.headers.get('www-authenticate')).toBe('Bearer realm="taskmeter"')
  })

  it('refuses a declared body over 16 KiB with 413 and closes that connection', async () => {
    const routes = new RouteTable()
    routes.add(['POST'], '/-/reload', () => textAnswer(200, 'ok\n'))
    const base = await serve(routes)
    const big = await fetch(`${base}/-/reload`, { method: 'POST', body: 'y'.repeat(20_000), headers: auth })
    expect(big.status).toBe(413)
    expect(big.headers.get('connection')).toBe('close')
    const small = await fetch(`${base}/-/reload`, { method: 'POST', body: 'y', headers: auth })
    expect(await small.text()).toBe('ok\n')
  })

  it('answers a route that throws with 500 JSON and logs it; a client error keeps its status', async () => {
    const routes = new RouteTable()
    routes.get('/boom', () => {
      throw new Error('secret detail')
    })
    routes.get('/bad', () => {
      throw Object.assign(new Error('task is required'), { statusCode: 400 })
    })
    const base = await serve(routes)
    const boom = await fetch(`${base}/boom`, { headers: auth })
    expect(boom.status).toBe(500)
    expect(await boom.text()).toBe('{"error":"internal error"}')
    expect(logged).toHaveLength(1)
    const bad = await fetch(`${base}/bad`, { headers: auth })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({ error: 'task is required' })
  })

  it('cuts the connection, and goes on serving, when a route returns a header Node refuses', async () => {
    const routes = new RouteTable()
    routes.get('/broken', () => jsonAnswer(200, {}, { 'x-bad': 'a\nb' }))
    routes.get('/fine', () => textAnswer(200, 'fine'))
    const base = await serve(routes)
    await expect(fetch(`${base}/broken`, { headers: auth })).rejects.toThrow()
    expect(await (await fetch(`${base}/fine`, { headers: auth })).text()).toBe('fine')
  })

  it('answers 503 on a kept-alive connection once closing began, and closes after started responses', async () => {
    const routes = new RouteTable()
    let release: () => void = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    routes.get('/slow', async () => {
      await held
      return textAnswer(200, 'late')
    })
    routes.get('/fast', () => textAnswer(200, 'fast'))
    const base = await serve(routes)
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    const get = (path: string): Promise<{ status: number; body: string }> =>
      new Promise((resolve, reject) => {
        http
          .get(`${base}${path}`, { agent, headers: auth }, (response) => {
            let body = ''
            response.on('data', (chunk: Buffer) => {
              body += chunk.toString()
            })
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
          })
          .on('error', reject)
      })
    expect((await get('/fast')).body).toBe('fast')
    const slow = get('/slow')
    await new Promise((resolve) => setTimeout(resolve, 50))
    const closing = (listener as HttpListener).close()
    const second = new http.Agent({ keepAlive: false })
    const refused = await new Promise<number>((resolve) => {
      http
        .get(`${base}/fast`, { agent: second, headers: auth }, (r) => resolve(r.statusCode ?? 0))
        .on('error', () => resolve(0))
    })
    expect(refused).toBe(503)
    release()
    expect(await slow).toEqual({ status: 200, body: 'late' })
    await closing
    listener = null
    agent.destroy()
  })
})
