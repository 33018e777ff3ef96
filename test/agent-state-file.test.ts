// --state-file over real processes: an agent stopped with SIGTERM and started again reads exactly
// as one that got the same events and never stopped; kill -9 loses at most the last interval; a
// truncated or flipped file never stops the start; a file from other flags is refused with one line.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { crc32 } from '../agent/src/state/crc32.js'
import { HEADER_BYTES } from '../agent/src/state/state-format.js'
import { cleanEnv } from './harness/agent-env.js'
import { type AgentProcess, runAgentCli, startAgentProcess } from './harness/agent-process.js'
import { getJson, getText } from './harness/poll.js'
import { sampleValue } from './harness/prometheus-text.js'
import { restoreResults, sendPhase, stableDashboard, stableSamples } from './harness/state-file-load.js'
import { sendUdpDatagrams } from './harness/statsd-text.js'

const dir = mkdtempSync(path.join(tmpdir(), 'taskmeter-state-e2e-'))
const running: AgentProcess[] = []
const SMALL = ['--max-series', '1000']

async function agent(args: string[]): Promise<AgentProcess> {
  const started = await startAgentProcess([...SMALL, ...args], cleanEnv())
  running.push(started)
  return started
}

afterAll(async () => {
  await Promise.all(running.map((a) => a.stop()))
  rmSync(dir, { recursive: true, force: true })
})

describe('--state-file across SIGTERM and a restart', () => {
  it('reads, and goes on, exactly as an agent that never stopped', async () => {
    const file = path.join(dir, 'sigterm.bin')
    const [reference, first] = await Promise.all([agent([]), agent(['--state-file', file])])
    await Promise.all([sendPhase(reference, 0), sendPhase(first, 0)])
    expect(await restoreResults(first)).toMatchObject({ absent: 1, restored: 0 })
    expect(await first.stop('SIGTERM')).toBe(0)
    expect(first.output()).toContain('"msg":"state written"')
    const second = await agent(['--state-file', file])
    expect(await restoreResults(second)).toMatchObject({ restored: 1, absent: 0, corrupt: 0 })
    expect(await stableSamples(second)).toEqual(await stableSamples(reference))
    await Promise.all([sendPhase(reference, 1), sendPhase(second, 1)])
    const samples = await stableSamples(second)
    expect(samples.some((line) => line.startsWith('visitors '))).toBe(true)
    expect(samples).toEqual(await stableSamples(reference))
    expect(await stableDashboard(second)).toEqual(await stableDashboard(reference))
  }, 60_000)
})

/** Moves a state file's save time back by `ms` (and fixes its checksum): as if the agent had been down that long. */
function age(file: string, ms: number): void {
  const bytes = readFileSync(file)
  bytes.writeDoubleLE(bytes.readDoubleLE(HEADER_BYTES) - ms, HEADER_BYTES)
  bytes.writeUInt32LE(crc32(bytes, HEADER_BYTES), 16)
  writeFileSync(file, bytes)
}

interface WindowView {
  tasks: Record<string, { completed: number; window: { requests: number } }>
}

describe('--state-file with --workers 2', () => {
  it('the primary writes the merged state; restarted, its shards start empty on its restored clock', async () => {
    const file = path.join(dir, 'workers.bin')
    const workers = ['--workers', '2', '--max-memory', '3GiB', '--state-file', file]
    const [reference, first] = await Promise.all([agent([]), agent(workers)])
    await Promise.all([sendPhase(reference, 0), sendPhase(first, 0)])
    expect(await first.stop('SIGTERM')).toBe(0)
    // Down for two windows: the restored clock goes on 120 s later, and so must the shards'.
    age(file, 120_000)
    const second = await agent(workers)
    expect(await restoreResults(second)).toMatchObject({ restored: 1 })
    const before = await getJson<WindowView>(`${second.baseUrl}/dashboard`)
    await Promise.all([sendPhase(reference, 1), sendPhase(second, 1)])
    const after = await getJson<WindowView>(`${second.baseUrl}/dashboard`)
    for (const [id, task] of Object.entries(after.tasks)) {
      expect(before.tasks[id]?.window.requests ?? 0, id).toBe(0)
      expect(task.window.requests, id).toBe(task.completed - (before.tasks[id]?.completed ?? 0))
    }
    // Cumulative figures go on exactly; window ones (and the set) only hold what came after.
    const cumulative = (lines: string[]): string[] =>
      lines.filter((line) => !/^(task_duration_window_seconds|visitors)/.test(line))
    expect(cumulative(await stableSamples(second))).toEqual(cumulative(await stableSamples(reference)))
  }, 60_000)
})

describe('--state-file after kill -9', () => {
  it('keeps what the last interval write held', async () => {
    const file = path.join(dir, 'kill9.bin')
    const first = await agent(['--state-file', file, '--state-interval', '1'])
    await sendPhase(first, 0)
    const counted = sampleValue(await getText(`${first.baseUrl}/metrics`), 'jobs_done_total') ?? 0
    // Two intervals: at least one write began after everything above was counted.
    await new Promise((resolve) => setTimeout(resolve, 2_500))
    await sendUdpDatagrams(first.udpPort, ['jobs.done:1000|c\n'])
    expect(await first.stop('SIGKILL')).toBeNull()
    const second = await agent(['--state-file', file])
    const restored = sampleValue(await getText(`${second.baseUrl}/metrics`), 'jobs_done_total') ?? 0
    expect(counted).toBeGreaterThan(0)
    expect([counted, counted + 1000]).toContain(restored)
    await second.stop('SIGTERM')
  }, 30_000)
})

describe('a state file that is not one, or from other flags', () => {
  const file = path.join(dir, 'damaged.bin')
  const saved = async (): Promise<Buffer> => {
    const first = await agent(['--state-file', file])
    await sendPhase(first, 0)
    await first.stop('SIGTERM')
    return readFileSync(file)
  }

  it('starts fresh on a truncated file and on a flipped byte, keeping the file aside', async () => {
    const bytes = await saved()
    for (const [what, content] of [
      ['truncated', bytes.subarray(0, Math.floor(bytes.length / 2))],
      ['flipped', Buffer.from(bytes.map((byte, i) => (i === Math.floor(bytes.length * 0.7) ? byte ^ 0x10 : byte)))],
    ] as const) {
      for (const name of readdirSync(dir)) if (name.startsWith('damaged.bin.corrupt-')) rmSync(path.join(dir, name))
      writeFileSync(file, content)
      const started = await agent(['--state-file', file])
      expect(await restoreResults(started), what).toMatchObject({ corrupt: 1, restored: 0 })
      expect(sampleValue(await getText(`${started.baseUrl}/metrics`), 'jobs_done_total'), what).toBeUndefined()
      const kept = readdirSync(dir).filter((name) => name.startsWith('damaged.bin.corrupt-'))
      expect(kept.length, what).toBe(1)
      expect(existsSync(file), what).toBe(false)
      await started.stop('SIGTERM')
    }
  }, 60_000)

  it('refuses one from another --precision with one line and exit 2, or discards it when asked', async () => {
    await saved()
    const refused = await runAgentCli(['--state-file', file, '--precision', '3', ...SMALL], cleanEnv())
    expect(refused.code).toBe(2)
    const lines = refused.stderr.split('\n').filter((line) => line !== '')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('written with --precision 2')
    const discarding = await agent(['--state-file', file, '--precision', '3', '--state-discard-incompatible'])
    expect(await restoreResults(discarding)).toMatchObject({ discarded: 1, restored: 0 })
    expect(await discarding.stop('SIGTERM')).toBe(0) // its own state replaces the discarded file
    const reread = await agent(['--state-file', file, '--precision', '3'])
    expect(await restoreResults(reread)).toMatchObject({ restored: 1 })
  }, 60_000)
})
