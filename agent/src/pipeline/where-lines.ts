// The first lines a person at a terminal reads: where to look (the live page, /metrics) and where to
// send. JSON logs carry the same facts as fields of the "listening" line, for machines.
import type { Config } from '../config/load-config.js'
import type { Topology } from './topology.js'

/** A URL host for a bind address: a wildcard bind is reachable as localhost from the same machine. */
function urlHost(bind: string): string {
  if (bind === '0.0.0.0' || bind === '::' || bind === '') return 'localhost'
  return bind.includes(':') ? `[${bind}]` : bind
}

function socketText(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`
}

export function whereLines(config: Config, topology: Topology, httpPort: number): string[] {
  const base = `http://${urlHost(config.host)}:${httpPort}`
  const lines = [
    `live page  ${base}/`,
    `metrics    ${base}/metrics`,
    `events     udp ${socketText(topology.udp.address, topology.udp.port)} (protocol v1 and StatsD text)`,
  ]
  if (topology.tcp !== null) lines.push(`StatsD TCP ${socketText(topology.tcp.address, topology.tcp.port)}`)
  return lines
}
