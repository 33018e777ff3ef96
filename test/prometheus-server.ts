// Starts a real `prometheus` (Debian package "prometheus") on a free loopback port with a given
// config, for tests that query it through its HTTP API. The caller must stop() it.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { waitFor } from './harness/poll.js'
import { requireTool } from './harness/system-tool.js'

export const PROMETHEUS_INSTALL_HINT =
  'apt-get install prometheus (the Debian package "prometheus" ships both prometheus and promtool)'

export interface PrometheusServer {
  readonly api: string
  log(): string
  stop(): Promise<void>
}

/** A port that was free a moment ago on 127.0.0.1 (Prometheus cannot be told to pick one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port'))))
    })
  })
}

/** `extraFlags` are passed as given (e.g. the retention flag of the compose service); `fixedPort`
 * when the test must know the address before Prometheus is up (a remote-write receiver). */
export async function startPrometheus(
  configYaml: string,
  extraFlags: string[] = [],
  fixedPort?: number,
): Promise<PrometheusServer> {
  const binary = requireTool('prometheus', PROMETHEUS_INSTALL_HINT)
  const dir = mkdtempSync(path.join(os.tmpdir(), 'taskmeter-prometheus-'))
  writeFileSync(path.join(dir, 'prometheus.yml'), configYaml)
  const port = fixedPort ?? (await freePort())
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
      ...extraFlags,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let log = ''
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const api = `http://127.0.0.1:${port}`
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await waitFor(
      'prometheus to be ready',
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${log}`)
        const response = await fetch(`${api}/-/ready`)
        return response.ok ? true : undefined
      },
      20_000,
      100,
    )
  } catch (err) {
    await stop()
    throw err
  }
  return { api, log: () => log, stop }
}
