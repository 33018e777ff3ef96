// Known latency distributions for the fleet tests: seeded, on whole microseconds (what the agent
// records), with the exact pooled percentile by Prometheus' rank rule.
import { EVENT_KIND, type EncodedBytes, encodeName } from '@taskmeter/protocol'
import { getText, waitFor } from './poll.js'
import { sampleValue } from './prometheus-text.js'
import { UdpSender } from './udp-sender.js'
import { seededRandom } from './seeded-random.js'

function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand())
}

/** Durations in µs (integers ≥ 1): lognormal with a median in ms and a sigma of ln. */
export function lognormalUs(count: number, medianMs: number, sigma: number, seed: number): Float64Array {
  const rand = seededRandom(seed)
  const out = new Float64Array(count)
  for (let i = 0; i < count; i++) out[i] = Math.max(1, Math.round(medianMs * 1000 * Math.exp(sigma * normal(rand))))
  return out
}

/** Two lognormal modes: `share` of the requests around fastMs, the rest around slowMs. */
export function bimodalUs(count: number, fastMs: number, slowMs: number, share: number, seed: number): Float64Array {
  const rand = seededRandom(seed)
  const out = new Float64Array(count)
  for (let i = 0; i < count; i++) {
    const median = rand() < share ? fastMs : slowMs
    out[i] = Math.max(1, Math.round(median * 1000 * Math.exp(0.25 * normal(rand))))
  }
  return out
}

/** Prometheus' rank rule: the first value whose cumulative count reaches q·n (sorted ascending). */
export function exactQuantile(sortedSeconds: Float64Array, q: number): number {
  const rank = Math.max(1, Math.ceil(q * sortedSeconds.length - 1e-9))
  return sortedSeconds[rank - 1] ?? 0
}

export function pooledSeconds(parts: Float64Array[]): Float64Array {
  let total = 0
  for (const part of parts) total += part.length
  const out = new Float64Array(total)
  let at = 0
  for (const part of parts) for (let i = 0; i < part.length; i++) out[at++] = (part[i] ?? 0) / 1e6
  return out.sort()
}

/** Sends every duration as a timing of `task` and waits until the agent has counted them all. */
export async function sendTimings(
  udpPort: number,
  baseUrl: string,
  task: string,
  durationsUs: Float64Array,
): Promise<void> {
  const encoded = encodeName(task)
  if (typeof encoded === 'string') throw new Error(encoded)
  const name: EncodedBytes = encoded
  const sender = new UdpSender(udpPort)
  try {
    for (let i = 0; i < durationsUs.length; i++) {
      await sender.append(EVENT_KIND.timing, name, (durationsUs[i] ?? 0) / 1000)
      // A short pause every 20 000 events keeps loopback from overrunning the agent socket.
      if (i % 20_000 === 19_999) await new Promise((resolve) => setTimeout(resolve, 5))
    }
    await sender.flush()
  } finally {
    sender.close()
  }
  await waitFor(
    `${baseUrl} to count ${durationsUs.length} requests of ${task}`,
    async () =>
      sampleValue(await getText(`${baseUrl}/metrics`), 'tasks_completed_total', { task }) === durationsUs.length
        ? true
        : undefined,
    30_000,
    100,
  )
}
