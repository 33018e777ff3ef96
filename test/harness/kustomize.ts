// Renders a kustomize overlay of deploy/k8s/ with the real `kubectl kustomize` and parses the
// objects it prints, each named for messages by its overlay, kind and name (kustomize writes no
// file names).
import path from 'node:path'
import { parseAllDocuments } from 'yaml'
import { REPO_ROOT } from './agent-process.js'
import { runProcess } from './run-process.js'
import { requireTool } from './system-tool.js'

export const K8S_DIR = path.join(REPO_ROOT, 'deploy', 'k8s')
export const OVERLAYS = ['plain', 'prometheus-operator'] as const
export type Overlay = (typeof OVERLAYS)[number]

export interface RenderedObject {
  /** e.g. "plain: Deployment demo-app", for messages. */
  where: string
  object: Record<string, unknown>
}

/** Newer kubectl warns on stderr about the field names kept for kubectl 1.20; nothing else may show. */
const DEPRECATION = /^# Warning: '(bases|patchesStrategicMerge)' is deprecated\..*$/

export async function renderOverlay(overlay: Overlay): Promise<RenderedObject[]> {
  const kubectl = requireTool('kubectl', 'apt-get install kubernetes-client (Debian ships kubectl in it)')
  const dir = path.join(K8S_DIR, 'overlays', overlay)
  const result = await runProcess(kubectl, ['kustomize', dir], { cwd: REPO_ROOT, timeoutMs: 30_000 })
  const unexpected = result.stderr.split('\n').filter((line) => line !== '' && !DEPRECATION.test(line))
  if (result.code !== 0 || unexpected.length > 0)
    throw new Error(`kubectl kustomize ${dir} exited ${result.code}:\n${result.stderr}`)
  const out: RenderedObject[] = []
  for (const doc of parseAllDocuments(result.stdout)) {
    if (doc.errors.length > 0) throw new Error(`${overlay}: ${doc.errors.map((e) => e.message).join('; ')}`)
    const object = doc.toJS() as Record<string, unknown> | null
    if (object === null) continue
    const name = (object.metadata as { name?: string } | undefined)?.name ?? '?'
    out.push({ where: `${overlay}: ${String(object.kind)} ${name}`, object })
  }
  return out
}
