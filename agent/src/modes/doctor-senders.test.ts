import { describe, expect, it } from 'vitest'
import { senderLossRows } from './doctor-senders.js'

const sender = (id: string, received: number, lost: number) => ({ id, received, lost, restarts: 0, last_seen: 0 })

describe('doctor: loss per sender', () => {
  it('a ✗ with the figure and the fix for each sender over 0.1 %', () => {
    const rows = senderLossRows([
      sender('web:12:ab01', 900, 100),
      sender('ok:1:0000', 10_000, 10),
      sender('x:2:ffff', 997, 3),
    ])
    expect(rows.map((row) => [row.status, row.detail])).toEqual([
      ['fail', 'web:12:ab01 lost 100 of 1000 datagrams (10.0 %) on the way to the agent'],
      ['fail', 'x:2:ffff lost 3 of 1000 datagrams (0.30 %) on the way to the agent'],
    ])
    expect(rows[0]?.fix).toMatch(/SO_SNDBUF.*batch more events per datagram/)
    expect(rows[0]?.figures).toEqual({ sender: 'web:12:ab01', received: 900, lost: 100, lost_fraction: 0.1 })
  })

  it('a ✓ when every sender is at or under 0.1 %, or none numbers its datagrams', () => {
    expect(senderLossRows([sender('a', 999, 1), sender('b', 5, 0)])).toEqual([
      {
        check: 'sender loss',
        status: 'ok',
        detail: '2 senders, none lost over 0.10 %',
        fix: null,
        figures: { senders: 2, loss_limit_fraction: 0.001 },
      },
    ])
    expect(senderLossRows([])[0]).toMatchObject({ status: 'ok', detail: expect.stringMatching(/no client numbers/) })
    expect(senderLossRows(undefined)[0]?.status).toBe('ok')
  })
})
