// --udp-reader: which reader takes datagrams off the sockets. The native one (recvmmsg, many
// datagrams per system call into memory we own) where it loaded; else Node's dgram, said once.
import type { ReceiveConfig } from '../config/receive-options.js'
import { type SelfMetric, infoMetric } from '../self-metrics/self-metric.js'
import { type NativeAddon, type NativeLoad, loadNativeAddon } from './native-addon.js'

export type UdpReader = 'native' | 'dgram'

export type ReaderChoice =
  | { readonly reader: 'native'; readonly addon: NativeAddon }
  | { readonly reader: 'dgram'; readonly addon: null; readonly reason: string }

/** Throws a one-line Error when the flags need the native reader and it did not load. */
export function chooseUdpReader(config: ReceiveConfig, load: () => NativeLoad = loadNativeAddon): ReaderChoice {
  if (config.udpReader === 'dgram') return { reader: 'dgram', addon: null, reason: '--udp-reader dgram' }
  const loaded = load()
  if ('addon' in loaded) return { reader: 'native', addon: loaded.addon }
  if (config.udpReader === 'native') throw new Error(`--udp-reader native: ${loaded.reason}`)
  if (config.unixSocket !== null) throw new Error(`--unix-socket needs the native reader, and ${loaded.reason}`)
  return { reader: 'dgram', addon: null, reason: loaded.reason }
}

export function udpReaderInfoMetric(reader: UdpReader): SelfMetric {
  const help = 'The reader taking datagrams off the sockets: native (recvmmsg batches) or dgram (Node)'
  return infoMetric('taskmeter_udp_reader_info', help, 'reader', reader)
}
