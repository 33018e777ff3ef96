// What each overlay of deploy/k8s/ adds to the base, as the real `kubectl kustomize` renders it:
// plain carries no custom resource (it must apply to a cluster without the Prometheus Operator's
// CRDs) and is found by the prometheus.io pod annotations; prometheus-operator is found by a
// ServiceMonitor instead and carries the rules as a PrometheusRule, the same rules as
// deploy/prometheus/rules/taskmeter.rules.yml. Both hold the same sidecar. Schemas and the
// sidecar's own checks: test/deploy-k8s.test.ts.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { REPO_ROOT } from './harness/agent-process.js'
import { type RenderedObject, renderOverlay } from './harness/kustomize.js'

const RULES_FILE = path.join(REPO_ROOT, 'deploy', 'prometheus', 'rules', 'taskmeter.rules.yml')
const CRD_KINDS = new Set(['ServiceMonitor', 'PodMonitor', 'PrometheusRule', 'Probe', 'ScrapeConfig'])
const SCRAPE_ANNOTATIONS = {
  'prometheus.io/scrape': 'true',
  'prometheus.io/port': '3000',
  'prometheus.io/path': '/metrics',
}

const plain = await renderOverlay('plain')
const operator = await renderOverlay('prometheus-operator')

function one(objects: RenderedObject[], kind: string): Record<string, unknown> {
  const found = objects.filter((m) => m.object.kind === kind)
  expect(found, `one ${kind}`).toHaveLength(1)
  return (found[0] as RenderedObject).object
}

interface PodTemplate {
  spec: { template: { metadata: { labels: Record<string, string>; annotations?: Record<string, string> } } }
}

/** The object without the pod template's annotations (which only plain has). */
function withoutAnnotations(object: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(object)
  if (copy.kind === 'Deployment') delete (copy as unknown as PodTemplate).spec.template.metadata.annotations
  return copy
}

interface RuleGroup {
  name: string
  rules: Array<Record<string, unknown>>
}

/**
 * The groups with each expr's whitespace runs made one space. kubectl 1.32's kustomize reads a
 * folded (">-") scalar whose next line is more indented with an extra line break (the `yaml`
 * package and kubectl 1.20 read one, as the YAML spec says); PromQL ignores whitespace, so both
 * readings are the same rule. Every other field is compared as it is.
 */
function promqlSpaced(groups: readonly RuleGroup[]): RuleGroup[] {
  return groups.map((group) => ({
    ...group,
    rules: group.rules.map((rule) => ({ ...rule, expr: String(rule.expr).replace(/\s+/g, ' ') })),
  }))
}

describe('deploy/k8s/overlays/plain', () => {
  it('has no Prometheus Operator object: no CRD kind, no monitoring.coreos.com apiVersion', () => {
    for (const { where, object } of plain) {
      expect(CRD_KINDS.has(String(object.kind)), where).toBe(false)
      expect(String(object.apiVersion), where).not.toMatch(/monitoring\.coreos\.com/)
    }
    expect(plain.map((m) => String(m.object.apiVersion)).sort()).toEqual(['apps/v1', 'v1', 'v1'])
  })

  it('is scrapeable by the prometheus.io annotations, on the pod only (never also on the Service)', () => {
    const pod = (one(plain, 'Deployment') as unknown as PodTemplate).spec.template
    expect(pod.metadata.annotations).toEqual(SCRAPE_ANNOTATIONS)
    const service = one(plain, 'Service') as { metadata: { annotations?: Record<string, string> } }
    expect(service.metadata.annotations ?? {}).not.toHaveProperty('prometheus.io/scrape')
  })
})

describe('deploy/k8s/overlays/prometheus-operator', () => {
  it('holds the same ConfigMap, Service and Deployment as plain, without its scrape annotations', () => {
    const base = (objects: RenderedObject[]): Record<string, unknown>[] =>
      objects.filter((m) => !CRD_KINDS.has(String(m.object.kind))).map((m) => withoutAnnotations(m.object))
    expect(base(operator)).toEqual(base(plain))
    const pod = (one(operator, 'Deployment') as unknown as PodTemplate).spec.template
    expect(pod.metadata.annotations ?? {}).not.toHaveProperty('prometheus.io/scrape') // scraped once, by the monitor
  })

  it("has a ServiceMonitor that selects the sidecar's Service and scrapes its metrics port", () => {
    const pod = (one(operator, 'Deployment') as unknown as PodTemplate).spec.template
    const service = one(operator, 'Service') as {
      metadata: { labels: Record<string, string> }
      spec: { selector: Record<string, string>; ports: Array<{ name: string; targetPort: string }> }
    }
    expect(pod.metadata.labels).toMatchObject(service.spec.selector)
    expect(service.spec.ports).toContainEqual(expect.objectContaining({ name: 'metrics', targetPort: 'metrics' }))
    const monitor = one(operator, 'ServiceMonitor') as {
      spec: { selector: { matchLabels: Record<string, string> }; endpoints: Array<{ port: string; path: string }> }
    }
    expect(service.metadata.labels).toMatchObject(monitor.spec.selector.matchLabels)
    expect(monitor.spec.endpoints.map((e) => [e.port, e.path])).toEqual([['metrics', '/metrics']])
  })

  it('has a PrometheusRule with the same rule groups as deploy/prometheus/rules/taskmeter.rules.yml', () => {
    // Both files come from deploy/prometheus/generate-rules.mjs; comparing the parsed groups (not
    // the text, not a copy kept here) holds whatever the generator's options, such as the runbook
    // URLs, become, and fails when one file is regenerated without the other.
    const rulesFile = parse(readFileSync(RULES_FILE, 'utf8')) as { groups: RuleGroup[] }
    const rule = one(operator, 'PrometheusRule') as { spec: { groups: RuleGroup[] } }
    expect(rulesFile.groups.length).toBeGreaterThan(0)
    expect(promqlSpaced(rule.spec.groups)).toEqual(promqlSpaced(rulesFile.groups))
    expect(rule.spec.groups.map((g) => g.rules.length)).toEqual(rulesFile.groups.map((g) => g.rules.length))
  })
})
