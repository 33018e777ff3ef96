// deploy/k8s/ validated offline against the Kubernetes schemas (issue 16). No cluster or kubectl
// here (`kubectl --dry-run=client` still wants an API server for discovery), so two checks from
// npm packages: `kubernetes-models` validates each object with the JSON schemas generated from the
// Kubernetes OpenAPI (types, enums, required fields, formats), and TypeScript's excess-property
// check against the same package's types rejects unknown fields, which those schemas allow.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import ts from 'typescript'
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1'
import { Deployment } from 'kubernetes-models/apps/v1'
import { Service } from 'kubernetes-models/v1'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { REPO_ROOT } from './harness/agent-process.js'

const K8S_DIR = path.join(REPO_ROOT, 'deploy', 'k8s')
const TYPECHECK_DIR = path.join(REPO_ROOT, 'test', 'artifacts', 'k8s-typecheck')

interface Manifest {
  file: string
  object: Record<string, unknown>
}

interface KindSupport {
  validate(object: Record<string, unknown>): void
  typeImport: string
  typeName: string
}

const KINDS: Record<string, KindSupport> = {
  'apps/v1 Deployment': {
    validate: (o) => new Deployment(o).validate(),
    typeImport: 'kubernetes-models/apps/v1/Deployment',
    typeName: 'IDeployment',
  },
  'v1 Service': { validate: (o) => new Service(o).validate(), typeImport: 'kubernetes-models/v1/Service', typeName: 'IService' },
  'monitoring.coreos.com/v1 ServiceMonitor': {
    validate: (o) => new ServiceMonitor(o).validate(),
    typeImport: '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor',
    typeName: 'IServiceMonitor',
  },
}

function kindKey(object: Record<string, unknown>): string {
  return `${String(object.apiVersion)} ${String(object.kind)}`
}

function loadManifests(): Manifest[] {
  const out: Manifest[] = []
  for (const file of readdirSync(K8S_DIR).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    for (const doc of parseAllDocuments(readFileSync(path.join(K8S_DIR, file), 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`)
      const object = doc.toJS() as Record<string, unknown> | null
      if (object !== null) out.push({ file, object })
    }
  }
  return out
}

/** Type-checks each manifest as an object literal of its kind's type; returns the diagnostics. */
function typeCheck(manifests: Manifest[]): string[] {
  mkdirSync(TYPECHECK_DIR, { recursive: true })
  const files = manifests.map((m, i) => {
    const kind = KINDS[kindKey(m.object)] as KindSupport
    const file = path.join(TYPECHECK_DIR, `manifest-${i}.ts`)
    writeFileSync(file, `// ${m.file}\nimport type { ${kind.typeName} } from '${kind.typeImport}'\nexport const manifest: ${kind.typeName} = ${JSON.stringify(m.object, null, 2)}\n`)
    return file
  })
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
  })
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file !== undefined ? `${readFileSync(d.file.fileName, 'utf8').split('\n')[0]?.slice(3)}: ` : ''
    return where + ts.flattenDiagnosticMessageText(d.messageText, '\n')
  })
}

const manifests = loadManifests()
const byKind = (kind: string): Record<string, unknown>[] => manifests.filter((m) => m.object.kind === kind).map((m) => m.object)

describe('deploy/k8s against the Kubernetes schemas', () => {
  it('holds a Deployment, a Service and a ServiceMonitor, every kind one we can validate', () => {
    expect(manifests.map((m) => kindKey(m.object)).sort()).toEqual(['apps/v1 Deployment', 'monitoring.coreos.com/v1 ServiceMonitor', 'v1 Service'])
  })

  it('validates every object with the kubernetes-models JSON schemas', () => {
    for (const { file, object } of manifests) {
      const kind = KINDS[kindKey(object)]
      expect(kind, `${file}: no validator for ${kindKey(object)}`).toBeDefined()
      expect(() => kind?.validate(object), file).not.toThrow()
    }
  })

  it('has no unknown fields (TypeScript excess-property check against the same types)', () => {
    expect(typeCheck(manifests)).toEqual([])
  })

  it('catches a wrong type and an unknown field (the checks are not vacuous)', () => {
    const broken = structuredClone(byKind('Service')[0] as Record<string, unknown>)
    const spec = broken.spec as { ports: Array<Record<string, unknown>> }
    ;(spec.ports[0] as Record<string, unknown>).port = 'three thousand'
    expect(() => new Service(broken).validate()).toThrow(/port must be integer/)
    const unknown = structuredClone(byKind('Service')[0] as Record<string, unknown>)
    ;(unknown.spec as Record<string, unknown>).selectr = { app: 'x' }
    expect(typeCheck([{ file: 'broken.yaml', object: unknown }]).join('\n')).toMatch(/selectr/)
  }, 30_000)
})

interface Container {
  name: string
  args?: string[]
  command?: string[]
  restartPolicy?: string
  ports?: Array<{ name?: string; containerPort: number; protocol?: string }>
  readinessProbe?: { httpGet?: { path: string; port: string | number } }
  livenessProbe?: { httpGet?: { path: string; port: string | number } }
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> }
  securityContext?: { runAsNonRoot?: boolean; readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean }
}

describe('the sidecar deployment', () => {
  const deployment = byKind('Deployment')[0] as {
    spec: { template: { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; spec: { initContainers?: Container[]; containers: Container[]; securityContext: { runAsNonRoot: boolean } } } }
  }
  const pod = deployment.spec.template
  const all = [...(pod.spec.initContainers ?? []), ...pod.spec.containers]
  const sidecar = all.find((c) => c.name === 'taskmeter') as Container
  const app = pod.spec.containers.find((c) => c.name === 'app') as Container

  it('runs taskmeter beside the app (a native sidecar), receiving UDP on loopback', () => {
    expect(sidecar).toBeDefined()
    expect(app).toBeDefined()
    expect(sidecar.restartPolicy).toBe('Always')
    expect(sidecar.args?.join(' ')).toContain('--udp-host 127.0.0.1')
    expect(app.args?.join(' ')).toContain('--host 127.0.0.1 --port 8125')
  })

  it('probes /ready for readiness and /healthz for liveness on the metrics port', () => {
    expect(sidecar.readinessProbe?.httpGet).toEqual({ path: '/ready', port: 'metrics' })
    expect(sidecar.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'metrics' })
    expect(sidecar.ports).toContainEqual({ name: 'metrics', containerPort: 3000, protocol: 'TCP' })
  })

  it('is scrapeable by annotation, and every container has requests, limits and a locked-down securityContext', () => {
    expect(pod.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '3000', 'prometheus.io/path': '/metrics' })
    expect(pod.spec.securityContext.runAsNonRoot).toBe(true)
    for (const c of all) {
      expect(Object.keys(c.resources?.requests ?? {}).sort(), c.name).toEqual(['cpu', 'memory'])
      expect(Object.keys(c.resources?.limits ?? {}).sort(), c.name).toEqual(['cpu', 'memory'])
      expect(c.securityContext, c.name).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false })
    }
  })

  it('is selected by the Service, whose metrics port the ServiceMonitor scrapes', () => {
    const service = byKind('Service')[0] as { metadata: { labels: Record<string, string> }; spec: { selector: Record<string, string>; ports: Array<{ name: string; targetPort: string }> } }
    expect(pod.metadata.labels).toMatchObject(service.spec.selector)
    expect(service.spec.ports).toContainEqual(expect.objectContaining({ name: 'metrics', targetPort: 'metrics' }))
    const monitor = byKind('ServiceMonitor')[0] as { spec: { selector: { matchLabels: Record<string, string> }; endpoints: Array<{ port: string }> } }
    expect(service.metadata.labels).toMatchObject(monitor.spec.selector.matchLabels)
    expect(monitor.spec.endpoints.map((e) => e.port)).toEqual(['metrics'])
  })
})
