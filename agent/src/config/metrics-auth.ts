// --metrics-auth / METRICS_AUTH: the credentials every HTTP route but the probes asks for. Parsed
// here with the other flags; the HTTP stage only checks requests against the result.

export type MetricsAuth = { kind: 'bearer'; token: string } | { kind: 'basic'; user: string; password: string }

/** `bearer:TOKEN` or `basic:USER:PASSWORD`; null when the text is not one of them. */
export function parseMetricsAuth(text: string): MetricsAuth | null {
  if (text.startsWith('bearer:') && text.length > 7) return { kind: 'bearer', token: text.slice(7) }
  const basic = /^basic:([^:]+):(.+)$/.exec(text)
  return basic === null ? null : { kind: 'basic', user: basic[1] as string, password: basic[2] as string }
}
