// The bare C receiver (bench/peers/bare-receiver.c) as a bench/peers target: the physical floor
// that every agent's CPU per datagram is divided by. Compiled at bench time with `cc -O2` into the
// git-ignored bench/results/, like the sender; skipped with the reason when there is no cc.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { RESULTS_DIR } from '../ingest-load.mjs'
import { loadFile } from './step.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const SOURCE = path.join(here, 'bare-receiver.c')
const HEADER = path.join(here, '..', 'senders', 'socket-address.h')
const BINARY = path.join(RESULTS_DIR, 'bare-receiver')
export const BARE_NAME = 'bare C (recvmmsg ×64)'

/** Path of the compiled receiver, or { skipped } when it cannot be built. */
function compile() {
  try {
    mkdirSync(RESULTS_DIR, { recursive: true })
    const newest = Math.max(statSync(SOURCE).mtimeMs, statSync(HEADER).mtimeMs)
    if (!existsSync(BINARY) || statSync(BINARY).mtimeMs < newest)
      execFileSync('cc', ['-O2', '-o', BINARY, SOURCE], { stdio: ['ignore', 'ignore', 'pipe'] })
    return { binary: BINARY }
  } catch (err) {
    return { skipped: `cc -O2 bare-receiver.c failed: ${String(err.message ?? err).split('\n')[0]}` }
  }
}

/**
 * Starts the receiver on 127.0.0.1:0 (`udp`) or a unix datagram socket in a temp dir (`unix`)
 * with the agent's SO_RCVBUF: { name, port | unixPath, pid, count(format), stop() }.
 */
export async function startBare(transport, recvBufferBytes = 32 * 1024 * 1024) {
  const built = compile()
  if (built.skipped) return { name: BARE_NAME, skipped: built.skipped }
  const dir = transport === 'unix' ? mkdtempSync(path.join(os.tmpdir(), 'taskmeter-bare-')) : null
  const unixPath = dir === null ? null : path.join(dir, 'bare.sock')
  const child = spawn(built.binary, [unixPath === null ? '0' : `unix:${unixPath}`, String(recvBufferBytes), '3600'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const lines = []
  const waiting = []
  let partial = ''
  child.stdout.on('data', (chunk) => {
    partial += chunk
    for (let end = partial.indexOf('\n'); end >= 0; end = partial.indexOf('\n')) {
      const line = JSON.parse(partial.slice(0, end))
      partial = partial.slice(end + 1)
      const next = waiting.shift()
      if (next) next(line)
      else lines.push(line)
    }
  })
  let exited = null
  child.on('exit', (code, signal) => {
    exited = new Error(`bare receiver exited (${signal ?? code})`)
    for (const next of waiting.splice(0)) next(null)
  })
  const nextLine = () =>
    new Promise((resolve, reject) => {
      if (lines.length > 0) return resolve(lines.shift())
      if (exited !== null) return reject(exited)
      const timer = setTimeout(() => reject(new Error('bare receiver did not answer')), 5000)
      waiting.push((line) => {
        clearTimeout(timer)
        if (line === null) reject(exited)
        else resolve(line)
      })
    })
  const bound = await nextLine()
  let last = null
  const counts = async () => {
    child.kill('SIGUSR1')
    last = await nextLine()
    return last
  }
  return {
    name: BARE_NAME,
    port: bound.port ?? null,
    unixPath,
    pid: child.pid,
    settleMs: 300,
    // It counts datagrams; the sender counts events as datagrams × events per datagram.
    count: async (format) => (await counts()).datagrams * loadFile(format).eventsPerDatagram,
    /** Its own account: recv calls and SO_RXQ_OVFL drops since start. */
    lastCounts: () => last,
    async stop() {
      child.kill('SIGTERM')
      const final = await nextLine().catch(() => null)
      if (exited === null) await new Promise((r) => child.once('exit', r))
      if (dir !== null) rmSync(dir, { recursive: true, force: true })
      return final
    },
  }
}
