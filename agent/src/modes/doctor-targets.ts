// Which of Prometheus' targets scrape this agent (doctor). Prometheus rarely uses the
// address the agent is reached at here: in a pod it scrapes the pod IP, in compose a service
// name, beside it 127.0.0.1. A target is this agent when its port is the agent's and its host
// names or resolves to one of the agent's addresses, which for an agent on this machine (doctor
// runs beside it) are every address of every local interface.
import { lookup } from 'node:dns/promises'
import os from 'node:os'

export interface PromTarget {
  scrapePool?: string
  scrapeUrl: string
  labels?: Record<string, string>
  health: string
  lastError: string
  lastScrape: string
  lastScrapeDuration?: number
  scrapeInterval?: string
}

export interface DroppedTarget {
  discoveredLabels: Record<string, string>
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0', '::'])
const LOOKUP_TIMEOUT_MS = 2_000

export interface HostPort {
  host: string
  port: number
}

export function hostPortOf(url: string): HostPort | null {
  try {
    const parsed = new URL(url)
    const port = parsed.port !== '' ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80
    return { host: parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase(), port }
  } catch {
    return null
  }
}

/** Addresses (and names) that reach this machine. */
export function localAddresses(): Set<string> {
  const out = new Set<string>(LOOPBACK_NAMES)
  out.add(os.hostname().toLowerCase())
  const interfaces = os.networkInterfaces()
  for (const list of Object.values(interfaces)) {
    if (list === undefined) continue
    for (let i = 0; i < list.length; i++) out.add((list[i] as os.NetworkInterfaceInfo).address.toLowerCase())
  }
  return out
}

async function resolve(host: string): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<string[]>((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout([]), LOOKUP_TIMEOUT_MS)
  })
  try {
    const found = lookup(host, { all: true }).then(
      (addresses) => addresses.map((a) => a.address.toLowerCase()),
      () => [],
    )
    return await Promise.race([found, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Everything the agent at `agent` answers on: its own name and addresses, or all local ones. */
export async function agentAddresses(agent: HostPort): Promise<Set<string>> {
  if (LOOPBACK_NAMES.has(agent.host)) return localAddresses()
  const own = await resolve(agent.host)
  const local = localAddresses()
  // An agent named by one of this machine's own addresses is this machine's agent.
  if (local.has(agent.host) || own.some((address) => local.has(address))) return local
  return new Set([agent.host, ...own])
}

/** Does a target URL (scrapeUrl, or scheme://__address__) point at the agent? */
export async function pointsAt(url: string, agent: HostPort, addresses: ReadonlySet<string>): Promise<boolean> {
  const target = hostPortOf(url)
  if (target === null || target.port !== agent.port) return false
  if (addresses.has(target.host)) return true
  const resolved = await resolve(target.host)
  return resolved.some((address) => addresses.has(address))
}

/** The targets whose URL (null: it has none) points at the agent, in their order. */
async function ofAgent<T>(
  targets: readonly T[],
  urlOf: (target: T) => string | null,
  agent: HostPort,
  addresses: ReadonlySet<string>,
): Promise<T[]> {
  const out: T[] = []
  for (const target of targets) {
    const url = urlOf(target)
    if (url !== null && (await pointsAt(url, agent, addresses))) out.push(target)
  }
  return out
}

export function targetsOfAgent(
  active: readonly PromTarget[],
  agent: HostPort,
  addresses: ReadonlySet<string>,
): Promise<PromTarget[]> {
  return ofAgent(active, (target) => target.scrapeUrl, agent, addresses)
}

/** A dropped target has no scrapeUrl: its discovered scheme and __address__ make one. */
export function droppedOfAgent(
  dropped: readonly DroppedTarget[],
  agent: HostPort,
  addresses: ReadonlySet<string>,
): Promise<DroppedTarget[]> {
  return ofAgent(
    dropped,
    ({ discoveredLabels: labels }) =>
      labels.__address__ === undefined ? null : `${labels.__scheme__ ?? 'http'}://${labels.__address__}`,
    agent,
    addresses,
  )
}
