// The live page's HTTP side, without a browser: / and /ui serve the same page under a strict CSP,
// every asset it names is served by the agent (no CDN), the page's files ship in the npm package,
// and /dashboard/distribution bins a task's latencies.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { EVENT_KIND, encodeName } from '@taskmeter/protocol'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from './harness/agent-process.js'
import { agentPerSuite } from './harness/agent-suite.js'
import { getJson, getText, waitFor } from './harness/poll.js'
import { sendUdpDatagrams } from './harness/statsd-text.js'
import { UdpSender } from './harness/udp-sender.js'

interface Distribution {
  task: string
  scope: string
  total: number
  bins: Array<{ from_ms: number; to_ms: number; count: number }>
}

const agent = agentPerSuite()

describe('GET / and /ui', () => {
  it('serve the same page, under a same-origin-only content security policy', async () => {
    const root = await fetch(`${agent().baseUrl}/`)
    const ui = await fetch(`${agent().baseUrl}/ui`)
    expect(root.status).toBe(200)
    expect(root.headers.get('content-type')).toMatch(/^text\/html/)
    expect(root.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self'/)
    const html = await root.text()
    expect(await ui.text()).toBe(html)
    expect(html).toContain('id="task-picker"')
  })

  it('names only assets the agent serves itself (no CDN), each with its content type and a 304 on revalidation', async () => {
    const html = await (await fetch(`${agent().baseUrl}/`)).text()
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string)
    expect(urls.filter((u) => /^(https?:)?\/\//.test(u))).toEqual([])
    const assets = urls.filter((u) => u.startsWith('ui/assets/'))
    expect(assets.sort()).toEqual([
      'ui/assets/app/main.js',
      'ui/assets/dashboard.css',
      'ui/assets/uPlot.iife.min.js',
      'ui/assets/uPlot.min.css',
    ])
    for (const asset of assets) {
      const response = await fetch(`${agent().baseUrl}/${asset}`)
      expect(response.status, asset).toBe(200)
      expect(response.headers.get('content-type'), asset).toMatch(
        asset.endsWith('.js') ? /^text\/javascript/ : /^text\/css/,
      )
      const etag = response.headers.get('etag') ?? ''
      const again = await fetch(`${agent().baseUrl}/${asset}`, { headers: { 'if-none-match': etag } })
      expect(again.status, asset).toBe(304)
    }
    // main.js imports its sibling modules by relative path: each must be served too.
    const main = await (await fetch(`${agent().baseUrl}/ui/assets/app/main.js`)).text()
    for (const m of main.matchAll(/from '\.\/([\w-]+\.js)'/g))
      expect((await fetch(`${agent().baseUrl}/ui/assets/app/${m[1]}`)).status, m[1]).toBe(200)
    expect((await fetch(`${agent().baseUrl}/ui/assets/../../package.json`)).status).toBe(404)
    expect((await fetch(`${agent().baseUrl}/ui/assets/app/main.d.ts`)).status).toBe(404)
  })

  it('ships the page in the npm package of the agent', async () => {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: path.join(REPO_ROOT, 'agent'),
        stdio: ['ignore', 'pipe', 'ignore'],
      })
      let text = ''
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()))
      child.on('error', reject)
      child.on('close', () => resolve(text))
    })
    const files = (JSON.parse(output) as Array<{ files: Array<{ path: string }> }>)[0]?.files.map((f) => f.path) ?? []
    expect(files).toEqual(
      expect.arrayContaining([
        'ui/static/index.html',
        'ui/static/dashboard.css',
        'dist/ui/main.js',
        'dist/expose/ui/ui-assets.js',
      ]),
    )
  }, 30_000)
})

describe('GET /dashboard/distribution', () => {
  it('bins the window of a task in log-spaced bins that add up to its requests', async () => {
    const sender = new UdpSender(agent().udpPort)
    const name = encodeName('render')
    if (typeof name === 'string') throw new Error(name)
    // 100 × 1 ms, 10 × 50 ms, 1 × 900 ms.
    for (let i = 0; i < 100; i++) await sender.append(EVENT_KIND.timing, name, 1)
    for (let i = 0; i < 10; i++) await sender.append(EVENT_KIND.timing, name, 50)
    await sender.append(EVENT_KIND.timing, name, 900)
    await sender.flush()
    sender.close()
    const body = await waitFor('the distribution of 111 requests', async () => {
      const d = await getJson<Distribution>(`${agent().baseUrl}/dashboard/distribution?task=render`)
      return d.total === 111 ? d : undefined
    })
    expect(body.scope).toBe('window')
    const binOf = (ms: number) => body.bins.find((b) => b.from_ms <= ms && ms < b.to_ms)
    expect(binOf(1)?.count).toBe(100)
    expect(binOf(50)?.count).toBe(10)
    expect(binOf(900)?.count).toBe(1)
    for (let i = 1; i < body.bins.length; i++) expect(body.bins[i]?.from_ms).toBe(body.bins[i - 1]?.to_ms)
    const cumulative = await getJson<Distribution>(
      `${agent().baseUrl}/dashboard/distribution?task=render&scope=cumulative`,
    )
    expect(cumulative.total).toBe(111)
  })

  it('answers 400 without a task or with a bad scope, 404 for an unknown task', async () => {
    expect((await fetch(`${agent().baseUrl}/dashboard/distribution`)).status).toBe(400)
    expect((await fetch(`${agent().baseUrl}/dashboard/distribution?task=render&scope=all`)).status).toBe(400)
    expect((await fetch(`${agent().baseUrl}/dashboard/distribution?task=nope`)).status).toBe(404)
  })
})

describe('GET /report', () => {
  it('reports the tasks named by ?task=a,b or ?task=a&task=b, each once, and every task without a filter', async () => {
    await sendUdpDatagrams(agent().udpPort, ['report_a:5|ms', 'report_b:6|ms', 'report_c:7|ms'])
    const all = await waitFor('three report tasks', async () => {
      const text = await getText(`${agent().baseUrl}/report`)
      return text.includes('Task: report_c\n') ? text : undefined
    })
    expect(all).toContain('Task: report_a\n')
    const tasksIn = (text: string) => text.split('\n').filter((line) => line.startsWith('Task: '))
    for (const query of [
      'task=report_a,report_b',
      'task=report_a&task=report_b',
      'task=report_a&task=report_b,report_a',
    ]) {
      const text = await getText(`${agent().baseUrl}/report?${query}`)
      expect(tasksIn(text), query).toEqual(['Task: report_a', 'Task: report_b'])
    }
  })
})
