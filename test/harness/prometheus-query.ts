// Instant queries against a test Prometheus, for float and native-histogram results.
import { getJson } from './poll.js'

export interface NativeHistogramValue {
  count: string
  sum: string
  /** [boundary rule, lower, upper, count] */
  buckets?: Array<[number, string, string, string]>
}

export interface InstantSample {
  metric: Record<string, string>
  value?: [number, string]
  histogram?: [number, NativeHistogramValue]
}

export async function instantQuery(api: string, promql: string): Promise<InstantSample[]> {
  const body = await getJson<{ status: string; error?: string; data: { resultType: string; result: InstantSample[] } }>(
    `${api}/api/v1/query?query=${encodeURIComponent(promql)}`,
  )
  if (body.status !== 'success') throw new Error(`${promql}: ${body.error ?? JSON.stringify(body)}`)
  return body.data.result
}

/** The one float value of a query, or undefined while it has none. */
export async function scalarQuery(api: string, promql: string): Promise<number | undefined> {
  const result = await instantQuery(api, promql)
  const raw = result[0]?.value?.[1]
  return raw === undefined ? undefined : Number(raw)
}

/** The schema of a native histogram result, from the ratio of a positive bucket's bounds. */
export function schemaOf(histogram: NativeHistogramValue): number {
  const bucket = (histogram.buckets ?? []).find(([, lower]) => Number(lower) > 0)
  if (bucket === undefined) throw new Error(`no positive bucket in ${JSON.stringify(histogram)}`)
  return Math.round(-Math.log2(Math.log2(Number(bucket[2]) / Number(bucket[1]))))
}
