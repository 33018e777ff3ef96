// The memory limit of the container the agent runs in, so that a sidecar given a memory limit
// and no --max-memory gets a budget that fits it, and a configuration that cannot fit is refused at
// start instead of being OOM-killed later. cgroup v2 names it memory.max ("max" = none); v1,
// memory/memory.limit_in_bytes (a huge number = none). Inside a container /sys/fs/cgroup is the
// container's own cgroup.
import { readFileSync } from 'node:fs'
import path from 'node:path'

/** The budget is this fraction of the limit: the rest is room for what the estimate leaves out. */
export const CGROUP_BUDGET_FRACTION = 0.9

// v1 writes "no limit" as the largest page-aligned 63-bit value; anything past 2^60 means none.
const UNLIMITED_FROM = 2 ** 60

function readLimit(file: string): number | null {
  let text: string
  try {
    text = readFileSync(file, 'utf8').trim()
  } catch {
    return null
  }
  if (!/^\d+$/.test(text)) return null // "max", or nothing readable
  const bytes = Number(text)
  return bytes > 0 && bytes < UNLIMITED_FROM ? bytes : null
}

/** The cgroup memory limit in bytes, or null when there is none (or no cgroup to read). */
export function readCgroupMemoryLimit(root = '/sys/fs/cgroup'): number | null {
  return readLimit(path.join(root, 'memory.max')) ?? readLimit(path.join(root, 'memory', 'memory.limit_in_bytes'))
}
