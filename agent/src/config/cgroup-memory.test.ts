import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { readCgroupMemoryLimit } from './cgroup-memory.js'
import { load } from './load-config.test-support.js'
import { loadConfig } from './load-config.js'

function cgroupRoot(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'tm-cgroup-'))
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true })
    writeFileSync(path.join(root, name), text)
  }
  return root
}

describe('the cgroup memory limit', () => {
  it('reads cgroup v2 memory.max, where "max" is none', () => {
    expect(readCgroupMemoryLimit(cgroupRoot({ 'memory.max': '402653184\n' }))).toBe(402653184)
    expect(readCgroupMemoryLimit(cgroupRoot({ 'memory.max': 'max\n' }))).toBeNull()
  })

  it('reads cgroup v1 memory.limit_in_bytes, where the 63-bit maximum is none', () => {
    expect(readCgroupMemoryLimit(cgroupRoot({ 'memory/memory.limit_in_bytes': '536870912\n' }))).toBe(536870912)
    expect(readCgroupMemoryLimit(cgroupRoot({ 'memory/memory.limit_in_bytes': '9223372036854771712\n' }))).toBeNull()
  })

  it('is none without a cgroup to read', () => {
    expect(readCgroupMemoryLimit(cgroupRoot({}))).toBeNull()
  })
})

describe('--max-memory from the cgroup', () => {
  const MiB = 1024 ** 2
  const withLimit = (argv: string[], limit: number | null) =>
    loadConfig(
      argv,
      {},
      () => {},
      () => limit,
    )

  it('without --max-memory, the budget is 90 % of the limit', () => {
    const config = withLimit(['--max-series', '2000', '--max-scrape-bytes', '16MiB'], 384 * MiB)
    expect(config?.maxMemoryBytes).toBe(Math.floor(384 * MiB * 0.9))
    expect(config?.memoryBudgetFrom).toBe('cgroup')
    expect(config?.cgroupMemoryLimitBytes).toBe(384 * MiB)
  })

  it('--max-memory (or its env variable) wins over the limit', () => {
    const config = withLimit(
      ['--max-memory', '600MiB', '--max-series', '2000', '--max-scrape-bytes', '16MiB'],
      384 * MiB,
    )
    expect(config?.maxMemoryBytes).toBe(600 * MiB)
    expect(config?.memoryBudgetFrom).toBe('flag')
  })

  it('refuses flags whose worst case the limit cannot hold, naming the limit', () => {
    expect(() => withLimit([], 512 * MiB)).toThrow(
      /above the memory budget 460\.8 MiB \(90 % of the cgroup memory limit 512\.0 MiB\).*raise the container's memory limit/,
    )
  })

  it('without a limit, the default budget stays', () => {
    expect(load([]).memoryBudgetFrom).toBe('default')
  })
})
