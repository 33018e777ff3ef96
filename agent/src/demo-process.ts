// --demo: runs the client package's demo traffic generator as a child process, so demo data
// travels through the real client and real UDP exactly as an app's would. The agent does not
// import the client (the packages stay independent); it only starts its published script.
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Logger } from './logger.js'

export function startDemoTraffic(udpPort: number, logger: Logger): ChildProcess | null {
  let script: string
  try {
    script = fileURLToPath(import.meta.resolve('@taskmeter/client/demo'))
  } catch (err) {
    logger.warn({ err }, 'demo traffic needs @taskmeter/client installed beside the agent; running without it')
    return null
  }
  const child = spawn(process.execPath, [script, '--host', '127.0.0.1', '--port', String(udpPort)], {
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  child.on('error', (err) => logger.warn({ err }, 'demo traffic failed to start'))
  child.on('exit', (code, signal) => {
    if (signal !== 'SIGTERM') logger.warn({ code, signal }, 'demo traffic stopped')
  })
  logger.info({ script, udpPort }, 'demo traffic running (a few tasks, a counter and a gauge)')
  return child
}
