// A datagram socket read by the native addon: recvmmsg drains up to BATCH datagrams per system
// call into one preallocated buffer, and the decode stage reads them straight from their slots,
// one JS call per batch. Kernel drops come with every batch (SO_RXQ_OVFL), exactly, with no
// /proc read. The same reader serves UDP and unix datagram sockets (--unix-socket).
import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import type { BoundAddress, DatagramListener } from './datagram-listener.js'
import type { NativeAddon, NativeOpenOptions, NativeSocket } from './native-addon.js'

/** Datagrams per recvmmsg call. */
export const BATCH = 64
/** Bytes per datagram slot: the largest UDP payload fits, so only unix datagrams can be cut. */
export const SLOT_BYTES = 65_536

/** Where the decode stage takes a batch: one turn (one clock read) per recvmmsg batch. */
export interface BatchHandler {
  beginTurn(): void
  endTurn(): void
  handleDatagram(buf: Uint8Array, length: number, start: number): void
  handleTruncated(): void
}

export type NativeTarget =
  | { readonly kind: 'udp'; readonly host: string; readonly port: number; readonly reusePort: boolean }
  | { readonly kind: 'unix'; readonly path: string; readonly mode: number }

export class NativeDatagramListener implements DatagramListener {
  private readonly addon: NativeAddon
  private readonly target: NativeTarget
  private readonly recvBufferSize: number
  private readonly handler: BatchHandler
  // The pages behind the slots are only touched as far as datagrams fill them.
  private readonly buffer = new Uint8Array(BATCH * SLOT_BYTES)
  private readonly lengths = new Int32Array(BATCH)
  private socket: NativeSocket | null = null

  constructor(addon: NativeAddon, target: NativeTarget, recvBufferBytes: number, handler: BatchHandler) {
    this.addon = addon
    this.target = target
    this.recvBufferSize = recvBufferBytes
    this.handler = handler
  }

  private readonly onBatch = (count: number): void => {
    const handler = this.handler
    const lengths = this.lengths
    handler.beginTurn()
    for (let i = 0; i < count; i++) {
      const length = lengths[i] ?? 0
      if (length < 0) handler.handleTruncated()
      else handler.handleDatagram(this.buffer, length, i * SLOT_BYTES)
    }
    handler.endTurn()
  }

  private async openOptions(): Promise<NativeOpenOptions> {
    const base = { host: '', port: 0, path: '', mode: 0, reusePort: 0, recvBufferBytes: this.recvBufferSize }
    const target = this.target
    if (target.kind === 'unix') return { ...base, family: 0, path: target.path, mode: target.mode }
    const host = isIP(target.host) === 0 ? (await lookup(target.host)).address : target.host
    const family = isIP(host) === 6 ? 6 : 4
    return { ...base, family, host, port: target.port, reusePort: target.reusePort ? 1 : 0 }
  }

  async bind(): Promise<BoundAddress> {
    const socket = this.addon.open(await this.openOptions(), this.buffer, this.lengths, this.onBatch)
    this.socket = socket
    this.addon.start(socket)
    const [port, address] = this.addon.info(socket)
    return { address, port }
  }

  get isBound(): boolean {
    return this.socket !== null
  }

  kernelDrops(): number {
    // A new socket's counter starts at 0, so it is this socket's own count.
    return this.socket === null ? 0 : this.addon.info(this.socket)[2]
  }

  async drain(deadlineMs: number): Promise<void> {
    const until = Date.now() + deadlineMs
    let emptyReads = 0
    while (this.socket !== null && Date.now() < until && emptyReads < 2) {
      emptyReads = this.addon.readNow(this.socket) === 0 ? emptyReads + 1 : 0
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }

  recvBufferBytes(): number {
    return this.socket === null ? 0 : this.addon.info(this.socket)[3]
  }

  async close(): Promise<void> {
    const socket = this.socket
    if (socket === null) return
    this.socket = null
    this.addon.close(socket)
  }
}
