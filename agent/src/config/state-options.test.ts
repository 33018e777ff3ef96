import { describe, expect, it } from 'vitest'
import { expectRefused, load } from './load-config.test-support.js'

describe('--state-file, --state-interval, --state-discard-incompatible', () => {
  it('are off by default: no file, a write every 30 s once there is one, incompatible files refused', () => {
    expect(load([])).toMatchObject({ stateFile: null, stateIntervalSeconds: 30, stateDiscardIncompatible: false })
  })

  it('take a path, an interval (0 = only at shutdown) and the discard switch', () => {
    const config = load([
      '--state-file',
      '/var/lib/taskmeter/state',
      '--state-interval',
      '0',
      '--state-discard-incompatible',
    ])
    expect(config).toMatchObject({
      stateFile: '/var/lib/taskmeter/state',
      stateIntervalSeconds: 0,
      stateDiscardIncompatible: true,
    })
  })

  it('refuse an interval out of range and an empty path, naming the flag', () => {
    expectRefused(['--state-interval', '-1'], '--state-interval')
    expectRefused(['--state-interval', '1.5'], '--state-interval')
    expectRefused(['--state-file', ''], '--state-file')
  })
})
