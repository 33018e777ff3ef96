// report(): GET ${reportUrl}/report?task=… against a tiny HTTP server; every failure resolves to
// one line instead of rejecting.
import { type Server, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { reportUrlFor } from './agent-report.js'
import { createClient } from './index.js'
import { closedPort } from './udp-receiver.test-support.js'

const servers: Server[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; paths: string[] }> {
  const paths: string[] = []
  const server = createServer((req, res) => {
    paths.push(req.url ?? '')
    handler?.(req, res)
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths }
}

describe('report()', () => {
  it('asks for the tasks this client has sent, with their prefix, and resolves to the text', async () => {
    const agent = await serve((_req, res) => {
      res.setHeader('content-type', 'text/plain')
      res.end('prediction: p50 12 ms\n')
    })
    const client = createClient({
      mock: false,
      port: await closedPort(),
      reportUrl: agent.url,
      prefix: 'app.',
      errorHandler: () => {},
    })
    client.timing('prediction', 1)
    client.increment('not_a_task')
    await client.trackAsync('db,query', async () => 1)
    client.startTimer('manual')
    expect(await client.report()).toBe('prediction: p50 12 ms\n')
    expect(agent.paths.at(-1)).toBe('/report?task=app.prediction,app.db%2Cquery,app.manual')
    expect(await client.child({ prefix: 'x.' }).report({ tasks: ['one', 'two'] })).toBe('prediction: p50 12 ms\n')
    expect(agent.paths.at(-1)).toBe('/report?task=app.x.one,app.x.two')
    await client.close()
  })

  it('asks for every task when it has sent none, or too many to list', () => {
    expect(reportUrlFor('http://a:3000', [])).toBe('http://a:3000/report')
    const many = Array.from({ length: 500 }, (_, i) => `a_rather_long_task_name_${i}`)
    expect(reportUrlFor('http://a:3000', many)).toBe('http://a:3000/report')
  })

  it('resolves to one line when the agent answers an error status', async () => {
    const agent = await serve((_req, res) => {
      res.statusCode = 503
      res.end('not ready\nyet')
    })
    const client = createClient({ port: await closedPort(), reportUrl: agent.url, errorHandler: () => {} })
    const text = await client.report()
    expect(text).toBe(
      `taskmeter report unavailable: GET ${agent.url}/report answered 503 Service Unavailable: not ready yet`,
    )
    await client.close()
  })

  it('resolves to one line when nothing listens', async () => {
    const agent = await serve(() => {})
    const url = agent.url
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve))
    const client = createClient({ port: await closedPort(), reportUrl: url, errorHandler: () => {} })
    const text = await client.report()
    expect(text).toMatch(/^taskmeter report unavailable: GET http:\/\/127\.0\.0\.1:\d+\/report failed: .*ECONNREFUSED/)
    expect(text).not.toContain('\n')
    await client.close()
  })

  it('resolves to one line when the agent does not answer in time', async () => {
    const agent = await serve(() => {}) // never responds
    const client = createClient({
      port: await closedPort(),
      reportUrl: agent.url,
      reportTimeoutMs: 100,
      errorHandler: () => {},
    })
    expect(await client.report()).toBe(
      `taskmeter report unavailable: GET ${agent.url}/report failed: no answer within 100 ms`,
    )
    await client.close()
  })
})
