// The agent's taskmeter_* self families (self-metrics/) as text exposition 0.0.4: a small sink the
// registry emits into, as it emits into the protobuf and remote-write encoders (FamilySink).
import type { SelfMetricType } from '../self-metrics/self-metric.js'
import type { SelfMetrics, SelfSink } from '../self-metrics/self-registry.js'
import { familyHeader, formatNumber, labelBlock } from './prometheus-format.js'

const NO_PAIRS: ReadonlyArray<readonly [string, string]> = []

class SelfTextSink implements SelfSink<null> {
  text = ''
  private name = ''

  family(name: string, help: string, type: SelfMetricType): void {
    this.name = name
    this.text += familyHeader(name, type, help)
  }

  value(_labels: null, extraName: string | null, extraValue: string | null, value: number): void {
    const labels = extraName === null ? '' : labelBlock(NO_PAIRS, extraName, extraValue ?? '')
    this.text += this.name + labels + ' ' + formatNumber(value) + '\n'
  }
}

export function renderSelfFamilies(self: SelfMetrics): string {
  const sink = new SelfTextSink()
  self.emit(sink, null)
  return sink.text
}
