// Builds the native reader (recvmmsg and unix datagram sockets) with node-gyp against the Node
// headers already on the machine: no download, and no install script for npm to approve, since
// `npm run build` runs it. A machine without a C compiler, or another OS, gets one line saying the
// agent will read UDP through Node's dgram, and the build goes on (exit 0).
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))

function skip(reason) {
  console.log(`taskmeter native reader not built (${reason}): the agent reads UDP through Node's dgram`)
  process.exit(0)
}

// npm points node-gyp at local headers (npm_config_nodedir); without npm, the headers that came
// with this node binary (<prefix>/include/node) do the same.
function headersDir() {
  const candidates = [process.env.npm_config_nodedir, join(dirname(process.execPath), '..')]
  return candidates.find((dir) => dir && existsSync(join(dir, 'include', 'node', 'node_api.h'))) ?? null
}

// npm tells its scripts where its own node-gyp is; outside npm, look beside the npm that came with node.
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ]
  return candidates.find((file) => file && existsSync(file)) ?? null
}

if (process.platform !== 'linux') skip(`recvmmsg is Linux-only, this is ${process.platform}`)
if (process.env.TASKMETER_SKIP_NATIVE === '1') skip('TASKMETER_SKIP_NATIVE=1')
// A build that is newer than every source is kept: `npm run build` runs often.
const built = join(here, 'build', 'Release', 'taskmeter_native.node')
const sources = ['binding.gyp', ...readdirSync(join(here, 'src')).map((name) => join('src', name))]
if (existsSync(built) && sources.every((file) => statSync(join(here, file)).mtimeMs <= statSync(built).mtimeMs))
  process.exit(0)
const nodedir = headersDir()
if (nodedir === null) skip("Node's headers (include/node/node_api.h) were not found; set npm_config_nodedir")
const gyp = nodeGyp()
if (gyp === null) skip('node-gyp was not found beside npm')
const result = spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`, '--loglevel=warn'], {
  cwd: here,
  stdio: ['ignore', 'pipe', 'pipe'],
  encoding: 'utf8',
})
if (result.status !== 0) {
  process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`)
  skip('node-gyp failed, see above; a C compiler, make and python3 are needed')
}
console.log('taskmeter native reader built: agent/native/build/Release/taskmeter_native.node')
