// The kernel's own counters for our UDP socket, from /proc/net/udp (or udp6): `drops` (datagrams
// discarded because the receive queue was full) and `rx_queue` (bytes waiting to be read). The row
// is matched by local port and, when Node exposes the socket's fd, by its inode, so another socket
// bound to the same port (SO_REUSEPORT) is never counted as ours. Linux only; elsewhere 0.
import { readFileSync, readlinkSync } from 'node:fs'

export interface KernelSocketStats {
  drops: number
  rxQueueBytes: number
}

/** The socket's inode from its fd (`socket:[12345]`), or null when not available. */
export function socketInode(fd: number | null): string | null {
  if (fd === null) return null
  try {
    const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))
    return match === null ? null : (match[1] as string)
  } catch {
    return null
  }
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
