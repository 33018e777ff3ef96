// The process_* figures Linux keeps under /proc/self. A scrape reads /proc/self/status into one
// buffer kept for the life of the process and parses the three sizes in place (no strings, no
// lines split), and counts descriptors from the size the kernel reports for /proc/self/fd.
import { closeSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs'

const STATUS = '/proc/self/status'
const FDS = '/proc/self/fd'
const LIMITS = '/proc/self/limits'
// /proc/self/status is ~1.5 KiB; the Vm* lines come in its first half, so a longer file (many
// supplementary groups) cut short still holds them.
const STATUS_BYTES = 4096
const KIB = 1024
const NEWLINE = 10
const SPACE = 32
const TAB = 9
const ZERO = 48
const NINE = 57

const VM_RSS = Buffer.from('VmRSS:')
const VM_SIZE = Buffer.from('VmSize:')
const VM_DATA = Buffer.from('VmData:')

function startsWith(buffer: Buffer, at: number, end: number, key: Buffer): boolean {
  if (at + key.length > end) return false
  for (let i = 0; i < key.length; i++) if (buffer[at + i] !== key[i]) return false
  return true
}

/** The `<digits> kB` after a key at `at`, in bytes; NaN when there are no digits. */
function kibibytesAt(buffer: Buffer, at: number, end: number): number {
  let i = at
  while (i < end && (buffer[i] === SPACE || buffer[i] === TAB)) i++
  let value = 0
  let digits = 0
  for (; i < end; i++) {
    const c = buffer[i] ?? 0
    if (c < ZERO || c > NINE) break
    value = value * 10 + (c - ZERO)
    digits++
  }
  return digits === 0 ? Number.NaN : value * KIB
}

/**
 * VmRSS, VmSize and VmData of /proc/self/status in bytes, as process_resident_memory_bytes,
 * process_virtual_memory_bytes and process_heap_bytes report them; NaN where a read found none.
 */
export class ProcStatus {
  residentBytes = Number.NaN
  virtualBytes = Number.NaN
  dataBytes = Number.NaN
  private readonly buffer = Buffer.alloc(STATUS_BYTES)

  /** Reads the file again; false when it cannot be read (no procfs). */
  read(): boolean {
    this.residentBytes = Number.NaN
    this.virtualBytes = Number.NaN
    this.dataBytes = Number.NaN
    const buffer = this.buffer
    let end: number
    let fd = -1
    try {
      fd = openSync(STATUS, 'r')
      end = readSync(fd, buffer, 0, buffer.length, 0)
    } catch {
      return false
    } finally {
      if (fd >= 0) closeSync(fd)
    }
    for (let at = 0; at < end; ) {
      if (startsWith(buffer, at, end, VM_RSS)) this.residentBytes = kibibytesAt(buffer, at + VM_RSS.length, end)
      else if (startsWith(buffer, at, end, VM_SIZE)) this.virtualBytes = kibibytesAt(buffer, at + VM_SIZE.length, end)
      else if (startsWith(buffer, at, end, VM_DATA)) this.dataBytes = kibibytesAt(buffer, at + VM_DATA.length, end)
      const next = buffer.indexOf(NEWLINE, at)
      if (next < 0 || next >= end) break
      at = next + 1
    }
    return true
  }
}

/**
 * The open descriptors. Linux 6.2 and later give their number as the size of /proc/self/fd (one
 * stat, no listing); older kernels report 0 there, and the listing is counted instead, less the
 * descriptor the listing itself was read through.
 */
export function openFdCount(): number {
  try {
    const size = statSync(FDS).size
    if (size > 0) return size
    return readdirSync(FDS).length - 1
  } catch {
    return Number.NaN
  }
}

/** The soft limit on open files from /proc/self/limits (Infinity for `unlimited`); NaN without procfs. */
export function maxFdCount(): number {
  let text: string
  try {
    text = readFileSync(LIMITS, 'latin1')
  } catch {
    return Number.NaN
  }
  const line = /^Max open files +(\S+)/m.exec(text)
  if (line === null) return Number.NaN
  return line[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(line[1])
}
