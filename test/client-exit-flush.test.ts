// End to end, from a separate process using the built package: events a client still buffers
// when the app ends cleanly go out through the beforeExit hook, without flush() or close(); the
// unref()ed socket and timer never keep the process alive.
import { spawn } from 'node:child_process'
import { type Socket, createSocket } from 'node:dgram'
import { fileURLToPath } from 'node:url'
import { type DecodedItem, collectDatagram } from '@taskmeter/protocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url))

let socket: Socket
let items: DecodedItem[]

beforeEach(async () => {
  items = []
  socket = createSocket('udp4')
  // Datagram headers (SPEC.md §3.3) number datagrams; these tests look at the events.
  socket.on('message', (datagram) => items.push(...collectDatagram(datagram).items.filter((i) => i.kind !== 'header')))
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()))
})

afterEach(async () => {
  await new Promise<void>((resolve) => socket.close(() => resolve()))
})

function runApp(source: string): Promise<{ code: number | null; stderr: string; ms: number }> {
  const startedAt = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', source], {
      cwd: REPO_ROOT,
      env: { ...process.env, TASKMETER_PORT: String(socket.address().port), TASKMETER_HOST: '127.0.0.1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.on('error', reject)
    child.on('exit', (code) => resolve({ code, stderr, ms: Date.now() - startedAt }))
  })
}

async function waitForItems(count: number): Promise<DecodedItem[]> {
  const deadline = Date.now() + 5000
  while (items.filter((i) => i.kind !== 'inflight_report').length < count) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} events, got ${JSON.stringify(items)}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  return items
}

describe('flush on exit', () => {
  it('sends buffered events when the app ends without flush() or close()', async () => {
    const app = `
      import { createClient } from '@taskmeter/client'
      const client = createClient({ bufferFlushInterval: 60000 })
      client.timing('at_exit', 12.5)
      client.increment('at_exit_count', 3)
      await client.trackAsync('at_exit_task', async () => 'done')
    `
    const result = await runApp(app)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    // The 60-second flush timer did not hold the process.
    expect(result.ms).toBeLessThan(30_000)
    const received = await waitForItems(3)
    expect(received.filter((i) => i.kind !== 'inflight_report').map((i) => i.kind)).toEqual([
      'timing',
      'count',
      'task_end_success',
    ])
  })

  it('exits although a task never ended (its heartbeat does not keep re-arming beforeExit)', async () => {
    const result = await runApp(`
      import { createClient } from '@taskmeter/client'
      const client = createClient({ bufferFlushInterval: 10 })
      client.startTimer('never_ends')
      client.timing('last_words', 1)
    `)
    expect(result.code).toBe(0)
    expect(result.ms).toBeLessThan(30_000)
    const received = await waitForItems(1)
    expect(received.find((i) => i.kind === 'timing')).toMatchObject({ name: 'last_words' })
  })

  it('exits promptly when nothing listens and the events cannot be delivered', async () => {
    const result = await runApp(`
      import { createClient } from '@taskmeter/client'
      const client = createClient({ port: 9, host: '127.0.0.1', errorHandler: () => {} })
      for (let i = 0; i < 1000; i++) client.timing('nobody_listens', i)
    `)
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
  })
})
