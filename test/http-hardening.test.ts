// Read routes answer GET/HEAD only, unknown routes 404 JSON, no stack traces, bounded bodies, and
// optional --metrics-auth on every route but the probes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AgentProcess, runAgentCli, startAgentProcess } from './harness/agent-process.js'

describe('HTTP hardening', () => {
  let agent: AgentProcess

  beforeAll(async () => {
    agent = await startAgentProcess([])
  })
  afterAll(async () => {
    await agent?.stop()
  })

  it('answers HEAD on read routes and refuses other methods with 404 JSON', async () => {
    expect((await fetch(`${agent.baseUrl}/metrics`, { method: 'HEAD' })).status).toBe(200)
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const response = await fetch(`${agent.baseUrl}/metrics`, { method, body: method === 'DELETE' ? undefined : 'x' })
      expect(response.status, method).toBe(404)
      expect(response.headers.get('content-type')).toContain('application/json')
      expect(await response.json()).toMatchObject({ error: 'not found' })
    }
  })

  it('answers unknown routes with 404 JSON and no stack trace', async () => {
    const response = await fetch(`${agent.baseUrl}/no/such/route?x=1`)
    expect(response.status).toBe(404)
    const body = await response.text()
    expect(JSON.parse(body)).toEqual({ error: 'not found', method: 'GET', url: '/no/such/route' })
    expect(body).not.toMatch(/at .*\.js:\d+/)
  })

  it('tells browsers not to sniff sender-chosen text into HTML', async () => {
    for (const route of ['/report', '/dashboard', '/metrics', '/no/such/route']) {
      const response = await fetch(`${agent.baseUrl}${route}`)
      expect(response.headers.get('x-content-type-options'), route).toBe('nosniff')
    }
  })

  it('refuses a body over the limit without a stack trace', async () => {
    const response = await fetch(`${agent.baseUrl}/dashboard`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ x: 'y'.repeat(100_000) }),
    })
    expect([404, 413]).toContain(response.status)
    expect(await response.text()).not.toMatch(/at .*\.js:\d+/)
  })
})

describe('--metrics-auth', () => {
  it('requires the bearer token on /metrics and /dashboard, not on the probes', async () => {
    const agent = await startAgentProcess(['--metrics-auth', 'bearer:s3cret'])
    try {
      const denied = await fetch(`${agent.baseUrl}/metrics`)
      expect(denied.status).toBe(401)
      expect(denied.headers.get('www-authenticate')).toBe('Bearer realm="taskmeter"')
      for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
        const headers = { authorization: `${scheme} s3cret` }
        expect((await fetch(`${agent.baseUrl}/metrics`, { headers })).status, scheme).toBe(200)
      }
      expect((await fetch(`${agent.baseUrl}/dashboard`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(
        401,
      )
      expect((await fetch(`${agent.baseUrl}/metrics`, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(
        200,
      )
      expect((await fetch(`${agent.baseUrl}/healthz`)).status).toBe(200)
      expect((await fetch(`${agent.baseUrl}/ready`)).status).toBe(200)
    } finally {
      await agent.stop()
    }
  })

  it('accepts basic credentials from METRICS_AUTH', async () => {
    const agent = await startAgentProcess([], { METRICS_AUTH: 'basic:prom:pa:ss' })
    try {
      const denied = await fetch(`${agent.baseUrl}/metrics`)
      expect(denied.status).toBe(401)
      expect(denied.headers.get('www-authenticate')).toContain('Basic')
      const good = 'Basic ' + Buffer.from('prom:pa:ss').toString('base64')
      expect((await fetch(`${agent.baseUrl}/metrics`, { headers: { authorization: good } })).status).toBe(200)
      const lower = 'basic ' + Buffer.from('prom:pa:ss').toString('base64')
      expect((await fetch(`${agent.baseUrl}/metrics`, { headers: { authorization: lower } })).status).toBe(200)
    } finally {
      await agent.stop()
    }
  })

  it('rejects a malformed spec with one line that does not echo the secret', async () => {
    const result = await runAgentCli(['--metrics-auth', 'token-without-kind'])
    expect(result.code).toBe(2)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toContain('--metrics-auth must be bearer:TOKEN or basic:USER:PASSWORD')
    expect(result.stderr).not.toContain('token-without-kind')
  })
})
