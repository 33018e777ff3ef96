// doctor's loss check: /dashboard's `clients` (one row per sender of numbered datagrams, protocol
// v1.1) and a ✗ for each one that lost more than LOSS_LIMIT of what it sent. Loss between an app
// and the agent is mostly the app's side: a full socket send buffer, or datagrams sent in bursts.
import { type CheckRow, fail, ok } from './doctor-checks.js'

/** More than 0.1 % of a sender's datagrams lost is a problem worth fixing. */
export const LOSS_LIMIT = 0.001

export const SENDER_CHECK = 'sender loss'

const FIX =
  "the app's host dropped datagrams before they left it: raise its socket send buffer (SO_SNDBUF; net.core.wmem_default) or net.core.wmem_max, batch more events per datagram (a larger maxBufferSize / max_buffer_size), or flush more often so that bursts are smaller"

interface SenderFigures {
  id: string
  received: number
  lost: number
}

function isSender(value: unknown): value is SenderFigures {
  if (typeof value !== 'object' || value === null) return false
  const row = value as Record<string, unknown>
  return typeof row.id === 'string' && typeof row.received === 'number' && typeof row.lost === 'number'
}

const percent = (fraction: number): string => `${(fraction * 100).toFixed(fraction < 0.01 ? 2 : 1)} %`

/** The rows for /dashboard's `clients` (anything else reads as no clients). */
export function senderLossRows(clients: unknown): CheckRow[] {
  const senders = Array.isArray(clients) ? clients.filter(isSender) : []
  if (senders.length === 0)
    return [ok(SENDER_CHECK, 'no client numbers its datagrams (protocol v1.1): nothing to count', { senders: 0 })]
  const rows: CheckRow[] = []
  for (const sender of senders) {
    const sent = sender.received + sender.lost
    const fraction = sent > 0 ? sender.lost / sent : 0
    if (fraction > LOSS_LIMIT)
      rows.push(
        fail(
          SENDER_CHECK,
          `${sender.id} lost ${sender.lost} of ${sent} datagrams (${percent(fraction)}) on the way to the agent`,
          FIX,
          { sender: sender.id, received: sender.received, lost: sender.lost, lost_fraction: fraction },
        ),
      )
  }
  if (rows.length > 0) return rows
  return [
    ok(
      SENDER_CHECK,
      `${senders.length} sender${senders.length === 1 ? '' : 's'}, none lost over ${percent(LOSS_LIMIT)}`,
      { senders: senders.length, loss_limit_fraction: LOSS_LIMIT },
    ),
  ]
}
