// Content negotiation of GET /metrics: the Accept headers Prometheus sends, and q-value ranking.
import { describe, expect, it } from 'vitest'
import { negotiateScrapeFormat } from './scrape-format.js'

// What Prometheus 2.42 sends by default, and with --enable-feature=native-histograms.
const PROMETHEUS_DEFAULT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'
const PROMETHEUS_NATIVE =
  'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'

describe('negotiateScrapeFormat', () => {
  it.each([
    [PROMETHEUS_DEFAULT, 'openmetrics'],
    [PROMETHEUS_NATIVE, 'protobuf'],
    [undefined, 'text'],
    ['', 'text'],
    ['*/*', 'text'],
    ['text/plain;version=0.0.4', 'text'],
    ['application/openmetrics-text', 'openmetrics'],
    ['application/openmetrics-text; version=0.0.1', 'openmetrics'],
    ['application/openmetrics-text;version=2.0.0', 'text'],
    ['application/openmetrics-text;version=1.0.0;q=0.5, text/plain;q=0.9', 'text'],
    ['application/openmetrics-text;q=0', 'text'],
    ['text/plain, application/openmetrics-text', 'text'],
    ['application/openmetrics-text, text/plain', 'openmetrics'],
    ['*/*, application/openmetrics-text', 'openmetrics'],
    ['application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=text', 'text'],
    ['application/json', 'text'],
  ] as const)('%s → %s', (accept, format) => {
    expect(negotiateScrapeFormat(accept)).toBe(format)
  })
})
