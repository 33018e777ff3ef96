// Sends protocol v1 batches over a real UDP socket, paced so that loopback never drops.
import dgram from 'node:dgram'
import { BatchEncoder, type EncodedBytes } from '@taskmeter/protocol'

export class UdpSender {
  private readonly socket = dgram.createSocket('udp4')
  private readonly encoder = new BatchEncoder(8192)
  private readonly port: number
  datagramsSent = 0

  constructor(port: number) {
    this.port = port
  }

  async append(
    kind: number,
    name: EncodedBytes,
    value: number,
    sampleRate = 1,
    tags: EncodedBytes | null = null,
  ): Promise<void> {
    if (this.encoder.append(kind, name, value, sampleRate, tags)) return
    await this.flush()
    this.encoder.append(kind, name, value, sampleRate, tags)
  }

  async inflight(
    clientId: EncodedBytes,
    sequence: number,
    intervalMs: number,
    names: EncodedBytes[],
    counts: number[],
  ): Promise<void> {
    if (this.encoder.appendInflightReport(clientId, sequence, intervalMs, names, counts, 0) === names.length) return
    await this.flush()
    this.encoder.appendInflightReport(clientId, sequence, intervalMs, names, counts, 0)
  }

  async flush(): Promise<void> {
    if (this.encoder.eventCount === 0) return
    const datagram = Buffer.from(this.encoder.datagram())
    this.encoder.reset()
    await this.sendRaw(datagram)
  }

  sendRaw(datagram: Uint8Array): Promise<void> {
    this.datagramsSent++
    return new Promise((resolve, reject) =>
      this.socket.send(datagram, this.port, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
    )
  }

  close(): void {
    this.socket.close()
  }
}

/**
 * Keeps traffic flowing in the background, a batch every 100 ms (at most `maxBatches`), until
 * stop(): Prometheus' rate() wants samples that keep coming while a test waits for its queries.
 * `fill` appends the events of batch `batch` (0, 1, …); the batch is flushed after it.
 */
export function steadyTraffic(
  sender: UdpSender,
  maxBatches: number,
  fill: (batch: number) => Promise<void>,
): { stop(): Promise<void> } {
  let sending = true
  const done = (async () => {
    for (let batch = 0; sending && batch < maxBatches; batch++) {
      await fill(batch)
      await sender.flush()
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  })()
  return {
    async stop() {
      sending = false
      await done
    },
  }
}
