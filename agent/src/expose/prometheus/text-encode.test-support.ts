// For tests: what the text encoder writes for a few sink calls, or for the self-metric registry
// alone, as one string.
import type { SelfMetrics } from '../../self-metrics/self-registry.js'
import { SelfFamilySource } from './self-family-source.js'
import { TextFamilyEncoder } from './text-family-encoder.js'

export function encodeText(write: (encoder: TextFamilyEncoder) => void): string {
  const encoder = new TextFamilyEncoder()
  encoder.reset()
  write(encoder)
  encoder.end()
  const parts: Uint8Array[] = []
  encoder.viewsInto(parts)
  return Buffer.concat(parts).toString()
}

/** The registry's families alone as text exposition. */
export function selfFamiliesText(registry: SelfMetrics): string {
  return encodeText((encoder) => new SelfFamilySource(registry).emit(encoder))
}
