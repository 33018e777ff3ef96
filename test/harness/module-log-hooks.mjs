// The loader hook of module-log.mjs: runs on Node's loader thread, one line per module URL.
import { appendFileSync } from 'node:fs'

export async function load(url, context, next) {
  const file = process.env.MODULE_LOG_FILE
  if (file !== undefined && !url.startsWith('node:')) appendFileSync(file, `${url}\n`)
  return next(url, context)
}
