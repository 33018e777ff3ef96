// Asserts a list of samples of a text exposition, each failure naming the series it was about.
import { expect } from 'vitest'
import { sampleValue } from './prometheus-text.js'

/** [metric, labels (a subset of the series' labels), expected value] */
export type ExpectedSample = readonly [string, Record<string, string>, number]

export function expectSamples(text: string, expected: readonly ExpectedSample[]): void {
  for (const [metric, labels, value] of expected)
    expect(sampleValue(text, metric, labels), `${metric} ${JSON.stringify(labels)}`).toBe(value)
}
