import { readFileSync } from 'node:fs'

// The one version of record is agent/package.json: src/ (under vitest) and dist/ (built) both sit one
// folder below it, so the same relative URL finds it from either.
function readAgentVersion(): string {
  const manifest: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  if (typeof manifest === 'object' && manifest !== null && 'version' in manifest) {
    const { version } = manifest
    if (typeof version === 'string') return version
  }
  throw new Error('agent/package.json has no "version" string')
}

export const AGENT_VERSION = readAgentVersion()
