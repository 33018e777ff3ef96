// The live dashboard page's files, read once at startup and served from memory: the page and its
// CSS (agent/ui/static/), its compiled modules (agent/dist/ui/, from agent/ui/src/) and the
// bundled uPlot from node_modules. Nothing comes from a CDN: the agent may run air-gapped.
import { createHash } from 'node:crypto'
import { readFileSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export interface UiAsset {
  body: Buffer
  contentType: string
  etag: string
}

export interface UiAssets {
  page: UiAsset
  /** Keyed by the path under /ui/assets/. */
  files: Map<string, UiAsset>
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
}

// From agent/dist/expose/ui/ (and agent/src/expose/ui/ under a test runner): the package's ui/ folders.
const STATIC_DIR = fileURLToPath(new URL('../../../ui/static/', import.meta.url))
const APP_DIR = fileURLToPath(new URL('../../ui/', import.meta.url))

function asset(file: string): UiAsset {
  const body = readFileSync(file)
  const contentType = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream'
  return { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` }
}

/** Throws (naming the missing file) when the package was built or installed without its UI. */
export function loadUiAssets(): UiAssets {
  const files = new Map<string, UiAsset>()
  const require = createRequire(import.meta.url)
  files.set('uPlot.iife.min.js', asset(require.resolve('uplot/dist/uPlot.iife.min.js')))
  files.set('uPlot.min.css', asset(require.resolve('uplot/dist/uPlot.min.css')))
  files.set('dashboard.css', asset(path.join(STATIC_DIR, 'dashboard.css')))
  const modules = readdirSync(APP_DIR).filter((name) => name.endsWith('.js'))
  if (!modules.includes('main.js')) throw new Error(`live page modules are missing from ${APP_DIR} (run npm run build)`)
  for (const name of modules) files.set(`app/${name}`, asset(path.join(APP_DIR, name)))
  return { page: asset(path.join(STATIC_DIR, 'index.html')), files }
}
