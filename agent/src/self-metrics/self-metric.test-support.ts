// A stage that declares one family of each shape (a counter field, a labelled counter, a gauge
// field, a read-only gauge), for the registry and --workers merge tests.
import { type SelfMetric, cellsOf, fieldOf } from './self-metric.js'

export class SampleStage {
  received = 0
  open = 0
  readonly invalid = new Float64Array(2)
  readonly selfMetrics: SelfMetric[] = [
    { name: 'x_received_total', help: 'received', type: 'counter', ...fieldOf(this, 'received') },
    {
      name: 'x_invalid_total',
      help: 'invalid',
      type: 'counter',
      label: { name: 'reason', values: ['short', 'long'] },
      ...cellsOf(this.invalid),
    },
    { name: 'x_open', help: 'open now', type: 'gauge', ...fieldOf(this, 'open') },
    { name: 'x_held', help: 'held now', type: 'gauge', read: () => 7 },
  ]
}
