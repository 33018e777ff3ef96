// Finds a system tool (promtool, prometheus) that an end-to-end test needs. A missing tool is a
// failure with the install command, never a skip: under CI=true a skipped check would be a silent
// pass, and outside CI the message tells the developer what to install.
import { accessSync, constants, statSync } from 'node:fs'
import path from 'node:path'

function isExecutableFile(candidate: string): boolean {
  try {
    accessSync(candidate, constants.X_OK)
    return statSync(candidate).isFile()
  } catch {
    return false
  }
}

/** Resolves `name` on PATH (like `which`). Returns null when it is not there. */
export function findTool(name: string, searchPath: string = process.env.PATH ?? ''): string | null {
  if (name.includes('/')) return isExecutableFile(name) ? path.resolve(name) : null
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir === '') continue
    const candidate = path.join(dir, name)
    if (isExecutableFile(candidate)) return candidate
  }
  return null
}

/**
 * The absolute path of `name`, or an Error naming the package to install, e.g.
 * `requireTool('promtool', 'apt-get install prometheus')`.
 */
export function requireTool(name: string, installHint: string, searchPath?: string): string {
  const found = findTool(name, searchPath)
  if (found !== null) return found
  const where = process.env.CI === 'true' ? ' (CI=true: this check must run, it is never skipped)' : ''
  throw new Error(`required tool "${name}" was not found on PATH${where}; install it with: ${installHint}`)
}
