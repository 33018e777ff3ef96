// Loads the native reader (agent/native/, built by `npm run build` where a C compiler is found).
// The agent runs without it: loadNativeAddon() says why it is missing, and the dgram path is used.
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

/** What open() takes; `family` 0 is a unix datagram socket at `path`. */
export interface NativeOpenOptions {
  readonly family: 0 | 4 | 6
  readonly host: string
  readonly port: number
  readonly path: string
  readonly mode: number
  readonly reusePort: number
  readonly recvBufferBytes: number
}

/** An open socket, only meaningful to the addon. */
export interface NativeSocket {
  readonly nativeSocket: never
}

export interface NativeAddon {
  /** Binds; throws an Error with a one-line message (and `code`, e.g. EADDRINUSE) when it cannot. */
  open(
    options: NativeOpenOptions,
    buffer: Uint8Array,
    lengths: Int32Array,
    onBatch: (count: number) => void,
  ): NativeSocket
  /** Starts watching the socket on the event loop: onBatch runs once per recvmmsg batch. */
  start(socket: NativeSocket): void
  /** Reads what is queued now, synchronously; returns the datagrams read. */
  readNow(socket: NativeSocket): number
  /** [port (0 for unix), address or path, kernel drops so far (SO_RXQ_OVFL), SO_RCVBUF bytes] */
  info(socket: NativeSocket): [number, string, number, number]
  close(socket: NativeSocket): void
}

export type NativeLoad = { readonly addon: NativeAddon } | { readonly reason: string }

// A path, not a URL's pathname: a checkout under a directory with a space would be %20 there.
const ADDON_PATH = fileURLToPath(new URL('../../native/build/Release/taskmeter_native.node', import.meta.url))

let loaded: NativeLoad | null = null

export function loadNativeAddon(): NativeLoad {
  if (loaded !== null) return loaded
  if (process.platform !== 'linux') loaded = { reason: `recvmmsg is Linux-only and this is ${process.platform}` }
  else if (!existsSync(ADDON_PATH))
    loaded = { reason: 'the addon was not built (npm run build needs a C compiler, make and python3)' }
  else {
    try {
      loaded = { addon: createRequire(import.meta.url)(ADDON_PATH) as NativeAddon }
    } catch (err) {
      loaded = { reason: `the addon did not load: ${err instanceof Error ? err.message : String(err)}` }
    }
  }
  return loaded
}
