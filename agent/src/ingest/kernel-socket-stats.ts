// The kernel's own counters for our UDP socket, from /proc/net/udp (or udp6): `drops` (datagrams
// discarded because the receive queue was full) and `rx_queue` (bytes waiting to be read). The row
// is matched by local port and by the inode of one of our own sockets, so another process's socket
// on the same port (SO_REUSEPORT) is never counted as ours. Linux only; elsewhere 0.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs'
import type { SelfMetric } from '../self-metrics/self-metric.js'

export interface KernelSocketStats {
  drops: number
  rxQueueBytes: number
}

/** Inodes of the sockets this process has open (/proc/self/fd → `socket:[12345]`). */
function ownSocketInodes(): Set<string> {
  const inodes = new Set<string>()
  try {
    for (const fd of readdirSync('/proc/self/fd')) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))
        if (match !== null) inodes.add(match[1] as string)
      } catch {
        // The fd closed while we listed them.
      }
    }
  } catch {
    // Not Linux: no /proc.
  }
  return inodes
}

/**
 * The inode of our socket bound to `port`: the row of /proc/net/udp(6) for that port whose inode
 * is one of this process's open sockets (Node does not expose a dgram socket's fd publicly).
 */
export function findOwnSocketInode(port: number, ipv6: boolean): string | null {
  let table: string
  try {
    table = readFileSync(ipv6 ? '/proc/net/udp6' : '/proc/net/udp', 'utf8')
  } catch {
    return null
  }
  const own = ownSocketInodes()
  const portHex = ':' + port.toString(16).toUpperCase().padStart(4, '0')
  for (const line of table.split('\n').slice(1)) {
    const columns = line.trim().split(/\s+/)
    if (columns.length >= 13 && (columns[1] as string).endsWith(portHex) && own.has(columns[9] as string))
      return columns[9] as string
  }
  return null
}

export function readKernelSocketStats(port: number, inode: string | null, ipv6: boolean): KernelSocketStats | null {
  let table: string
  try {
    table = readFileSync(ipv6 ? '/proc/net/udp6' : '/proc/net/udp', 'utf8')
  } catch {
    return null
  }
  const portHex = ':' + port.toString(16).toUpperCase().padStart(4, '0')
  const lines = table.split('\n')
  for (let i = 1; i < lines.length; i++) {
    const columns = (lines[i] as string).trim().split(/\s+/)
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops
    if (columns.length < 13 || !(columns[1] as string).endsWith(portHex)) continue
    if (inode !== null && columns[9] !== inode) continue
    const rxQueueHex = ((columns[4] as string).split(':')[1] ?? '0') as string
    return { drops: Number(columns[12]), rxQueueBytes: parseInt(rxQueueHex, 16) }
  }
  return null
}

/**
 * Drops of every socket bound to `port` (/proc/net/udp(6)), whoever holds it: the --workers
 * primary reads the socket its cluster workers share (or their SO_REUSEPORT sockets).
 */
export function sumKernelDrops(port: number, ipv6: boolean): number {
  let table: string
  try {
    table = readFileSync(ipv6 ? '/proc/net/udp6' : '/proc/net/udp', 'utf8')
  } catch {
    return 0
  }
  const portHex = ':' + port.toString(16).toUpperCase().padStart(4, '0')
  let drops = 0
  for (const line of table.split('\n').slice(1)) {
    const columns = line.trim().split(/\s+/)
    if (columns.length >= 13 && (columns[1] as string).endsWith(portHex)) drops += Number(columns[12])
  }
  return drops
}

/** taskmeter_udp_kernel_drops_total, read by `drops` (the agent's socket, or the --workers port's). */
export function kernelDropsMetric(drops: () => number): SelfMetric {
  return {
    name: 'taskmeter_udp_kernel_drops_total',
    help: 'Datagrams the kernel dropped on the agent socket (receive queue full)',
    type: 'counter',
    read: drops,
  }
}
