import { describe, expect, it } from 'vitest'
import type { ReceiveConfig } from '../config/receive-options.js'
import { chooseUdpReader } from './choose-reader.js'
import { loadNativeAddon } from './native-addon.js'

const missing = () => ({ reason: 'the addon was not built' }) as const
const config = (udpReader: ReceiveConfig['udpReader'], unixSocket: string | null = null): ReceiveConfig => ({
  udpReader,
  unixSocket,
  unixSocketMode: 0o660,
})

describe('--udp-reader', () => {
  it('auto falls back to dgram and says why when the addon is missing', () => {
    expect(chooseUdpReader(config('auto'), missing)).toEqual({
      reader: 'dgram',
      addon: null,
      reason: 'the addon was not built',
    })
  })

  it('native refuses to start without the addon, in one line naming the flag', () => {
    expect(() => chooseUdpReader(config('native'), missing)).toThrow('--udp-reader native: the addon was not built')
  })

  it('a unix socket needs the addon even under auto', () => {
    expect(() => chooseUdpReader(config('auto', '/tmp/x.sock'), missing)).toThrow(
      '--unix-socket needs the native reader, and the addon was not built',
    )
  })

  it('dgram never loads the addon', () => {
    const load = () => {
      throw new Error('loaded')
    }
    expect(chooseUdpReader(config('dgram'), load).reader).toBe('dgram')
  })

  it('auto takes the native reader on this machine, where npm run build compiled it', () => {
    // The suite runs after npm run build on Linux with a C compiler (test/setup installs one).
    const loaded = loadNativeAddon()
    expect('reason' in loaded ? loaded.reason : 'loaded').toBe('loaded')
    expect(chooseUdpReader(config('auto')).reader).toBe('native')
  })
})
