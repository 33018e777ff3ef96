// The self-metric registry: families in registration order with every label value listed, a name
// declared once, and the --workers snapshots keyed by family and label.
import { describe, expect, it } from 'vitest'
import { SampleStage as Stage } from './self-metric.test-support.js'
import { SelfMetrics, type SelfSink } from './self-registry.js'

function lines(self: SelfMetrics): string[] {
  const out: string[] = []
  const sink: SelfSink<string> = {
    family: (name, help, type) => out.push(`family ${name} ${type} ${help}`),
    value: (labels, extraName, extraValue, value) => out.push(`${labels} ${extraName}=${extraValue} ${value}`),
  }
  self.emit(sink, 'own')
  return out
}

describe('SelfMetrics', () => {
  it('emits every family in order, every label value at 0 until counted, the labels passed through', () => {
    const stage = new Stage()
    stage.invalid[1] = 2
    expect(lines(new SelfMetrics().register(...stage.selfMetrics))).toEqual([
      'family x_received_total counter received',
      'own null=null 0',
      'family x_invalid_total counter invalid',
      'own reason=short 0',
      'own reason=long 2',
      'family x_open gauge open now',
      'own null=null 0',
      'family x_held gauge held now',
      'own null=null 7',
    ])
  })

  it('refuses a family declared twice', () => {
    const stage = new Stage()
    expect(() => new SelfMetrics().register(...stage.selfMetrics, ...stage.selfMetrics)).toThrow(/declared twice/)
  })

  it('snapshots by family and label only what takes additions', () => {
    const stage = new Stage()
    stage.received = 3
    stage.invalid[0] = 1
    stage.open = 2
    expect(new SelfMetrics().register(...stage.selfMetrics).snapshot()).toEqual({
      x_received_total: 3,
      'x_invalid_total{reason="short"}': 1,
      'x_invalid_total{reason="long"}': 0,
      x_open: 2,
    })
  })
})
