// --state-file on disk: read once at start (before any event), written atomically. A write goes to
// a temporary file in the same directory, is fsynced, renamed over the file and the directory is
// fsynced, so a crash at any point leaves the previous file or the new one, never a torn one.
import { readFileSync, renameSync } from 'node:fs'
import { open, rename } from 'node:fs/promises'
import path from 'node:path'
import type { Aggregator } from '../aggregate/aggregator.js'
import { TaskmeterError } from '../config/taskmeter-error.js'
import { type StateFlags, openState, restoreBody } from './state-format.js'
import type { StateLog, StateRestoreResult } from './state-restores.js'

export interface StateOptions extends StateFlags {
  readonly path: string
  readonly discardIncompatible: boolean
  /** Files larger than this are not read (the memory budget: such state could not be held). */
  readonly maxBytes: number
}

function stamp(wallMs: number): string {
  return new Date(wallMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
}

function readOrNull(file: string): Buffer | null {
  try {
    return readFileSync(file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}

/**
 * Restores the file into the aggregator (which holds no series yet). A file from other flags
 * throws a TaskmeterError (the CLI prints its one line and exits 2) unless discardIncompatible;
 * a corrupt one is renamed to PATH.corrupt-<time> and the agent starts fresh. Other read errors
 * (permissions) throw: a file the agent cannot read it could not write either.
 */
export function restoreState(options: StateOptions, aggregator: Aggregator, log: StateLog): StateRestoreResult {
  const file = options.path
  const bytes = readOrNull(file)
  if (bytes === null) {
    log.info({ state_file: file }, 'no state file yet: starting fresh')
    return 'absent'
  }
  const opened =
    bytes.length > options.maxBytes
      ? { kind: 'corrupt' as const, reason: `${bytes.length} bytes, above the memory budget` }
      : openState(bytes, options)
  if (opened.kind === 'incompatible') {
    const line = `state file ${file} was written with ${opened.flag} ${opened.fileValue}`
    const fix = opened.flag === 'format version' ? 'an agent that reads it' : `${opened.flag} ${opened.fileValue}`
    if (!options.discardIncompatible)
      throw new TaskmeterError('TM_ERR_STATE_FILE', `${line}: start with ${fix}, or --state-discard-incompatible`)
    log.warn({ state_file: file, flag: opened.flag, file_value: opened.fileValue }, `${line}: discarded`)
    return 'discarded'
  }
  if (opened.kind === 'corrupt') return keepCorrupt(file, opened.reason, log)
  try {
    const counts = restoreBody(aggregator, bytes, Date.now() - opened.savedWallMs)
    log.info({ state_file: file, ...counts, saved_at: new Date(opened.savedWallMs).toISOString() }, 'state restored')
    return 'restored'
  } catch (err) {
    return keepCorrupt(file, err instanceof Error ? err.message : String(err), log)
  }
}

function keepCorrupt(file: string, reason: string, log: StateLog): StateRestoreResult {
  const kept = `${file}.corrupt-${stamp(Date.now())}`
  try {
    renameSync(file, kept)
    log.warn({ state_file: file, kept, reason }, 'state file unreadable: kept aside, starting fresh')
  } catch (err) {
    log.warn({ state_file: file, reason, rename_error: String(err) }, 'state file unreadable: starting fresh')
  }
  return 'corrupt'
}

/** Writes `bytes` to `file` atomically (temporary file, fsync, rename, fsync of the directory). */
export async function writeStateFile(file: string, bytes: Uint8Array): Promise<void> {
  const dir = path.dirname(file)
  const temporary = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`)
  const handle = await open(temporary, 'w', 0o600)
  try {
    await handle.writeFile(bytes)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await rename(temporary, file)
  // Some filesystems refuse fsync on a directory (EINVAL): the rename is then as durable as they make it.
  const directory = await open(dir, 'r')
  try {
    await directory.sync()
  } catch {
  } finally {
    await directory.close()
  }
}
