// monitor.serve() answers the agent's own routes from the host process: /metrics, /dashboard,
// /report, the live page, /grafana-dashboard, /healthz, /ready, all from the same createHttpServer
// the agent uses, and the served figures are the monitor's own.
import { createMonitor } from '@taskmeter/agent'
import { afterAll, describe, expect, it } from 'vitest'
import { getJson, getText } from './harness/poll.js'

const monitor = createMonitor({ prefix: 'app.' })

afterAll(async () => {
  await monitor.close()
})

function seriesKeys(text: string, skip: RegExp): string[] {
  const keys: string[] = []
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#') || skip.test(line)) continue
    keys.push(line.slice(0, line.lastIndexOf(' ')))
  }
  return keys.sort()
}

describe('monitor.serve()', () => {
  it('serves the agent routes with the monitor’s figures, and close() frees the port', async () => {
    for (let i = 1; i <= 50; i++) monitor.timing('prediction', i)
    await monitor.trackAsync('prediction', async () => 'ok')
    monitor.increment('work_completed')
    monitor.gauge('queue_depth', 17)
    monitor.histogram('batch_size', 64)
    const server = await monitor.serve({ port: 0, host: '127.0.0.1' })
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`)

    // Same series as metrics(); process_/nodejs_ families may gain series (GC kinds) between reads.
    const served = await getText(`${server.url}/metrics`)
    const direct = await monitor.metrics()
    const volatile = /^(process_|nodejs_)/
    expect(seriesKeys(served, volatile)).toEqual(seriesKeys(direct, volatile))
    expect(served).toContain('requests_total{task="app.prediction",status="success"} 51')
    expect(served).toContain('app_work_completed_total 1')
    expect(served).toMatch(/^process_cpu_user_seconds_total /m)

    const dashboard = await getJson<ReturnType<typeof monitor.snapshot>>(`${server.url}/dashboard`)
    const snapshot = monitor.snapshot()
    const { uptime_seconds: servedUptime, ...servedRest } = dashboard
    const { uptime_seconds: directUptime, ...directRest } = snapshot
    expect(servedUptime).toBeLessThanOrEqual(directUptime)
    // rps = requests ÷ uptime, and uptime moved on between the two reads.
    const withoutRate = (tasks: typeof snapshot.tasks): unknown =>
      Object.fromEntries(
        Object.entries(tasks).map(([id, t]) => [id, { ...t, rps: 0, window: { ...t.window, rps: 0 } }]),
      )
    expect({ ...servedRest, tasks: withoutRate(servedRest.tasks) }).toEqual({
      ...directRest,
      tasks: withoutRate(directRest.tasks),
    })
    expect(dashboard.tasks['app.prediction']).toMatchObject({ completed: 51, count: 51 })

    const withoutRateLines = (text: string): string => text.replace(/^(Uptime| {2}Throughput).*$/gm, '')
    expect(withoutRateLines(await getText(`${server.url}/report`))).toBe(withoutRateLines(monitor.report()))

    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    expect((await fetch(`${server.url}/ready`)).status).toBe(200)
    const grafana = await fetch(`${server.url}/grafana-dashboard`)
    expect(grafana.status).toBe(200)
    expect(await grafana.json()).toHaveProperty('panels')
    const page = await fetch(`${server.url}/`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)

    await server.close()
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow()
  })

  it('monitor.close() closes every server serve() started', async () => {
    const a = await monitor.serve({ port: 0 })
    const b = await monitor.serve({ port: 0 })
    expect(a.host).toBe('127.0.0.1') // loopback unless the app says otherwise
    expect((await fetch(`${b.url}/ready`)).status).toBe(200)
    await monitor.close()
    await expect(fetch(`${a.url}/healthz`)).rejects.toThrow()
    await expect(fetch(`${b.url}/healthz`)).rejects.toThrow()
    await a.close() // already closed: a no-op
  })

  it('auth, as the agent’s --metrics-auth: every route but the probes needs the token', async () => {
    const server = await monitor.serve({ port: 0, auth: { kind: 'bearer', token: 's3cret' } })
    try {
      expect((await fetch(`${server.url}/metrics`)).status).toBe(401)
      expect((await fetch(`${server.url}/dashboard`)).status).toBe(401)
      expect((await fetch(`${server.url}/ready`)).status).toBe(200)
      const authorized = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer s3cret' } })
      expect(authorized.status).toBe(200)
      expect(await authorized.text()).toContain('requests_total{task="app.prediction",status="success"} 51')
    } finally {
      await server.close()
    }
  })
})
