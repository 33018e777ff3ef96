// Loaded into the agent with `node --import`: every module the agent loads (past this point) is
// appended to the file named by MODULE_LOG_FILE, so a test can tell what an idle agent holds.
import { appendFileSync } from 'node:fs'
import { createRequire, register } from 'node:module'

register('./module-log-hooks.mjs', import.meta.url)

// require() (CommonJS, and createRequire in ESM) does not pass the hooks on Node 20: the cache
// says what it loaded.
process.on('exit', () => {
  const file = process.env.MODULE_LOG_FILE
  if (file === undefined) return
  const required = Object.keys(createRequire(import.meta.url).cache)
  appendFileSync(file, required.map((path) => `file://${path}\n`).join(''))
})
