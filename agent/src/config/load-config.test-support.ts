// Shared by the config tests: load a config from argv/env, and catch the one-line errors.
import { expect } from 'vitest'
import { TaskmeterError } from './taskmeter-error.js'
import { type Config, type Env, loadConfig } from './load-config.js'

export const MiB = 1024 ** 2
export const GiB = 1024 ** 3

/** Without a cgroup memory limit, whatever the machine running the tests has. */
const NO_LIMIT = (): null => null

export function load(argv: readonly string[], env: Env = {}): Config {
  const config = loadConfig(argv, env, () => {}, NO_LIMIT, false)
  if (config === null) throw new Error('unexpected --help')
  return config
}

/** The TaskmeterError a bad config throws (fails the test when it does not throw one). */
export function configErrorOf(argv: readonly string[], env: Env = {}): TaskmeterError {
  try {
    loadConfig(argv, env, () => {}, NO_LIMIT, false)
  } catch (err) {
    if (err instanceof TaskmeterError) return err
    throw err
  }
  throw new Error(`no error for ${JSON.stringify(argv)} ${JSON.stringify(env)}`)
}

export function expectRefused(argv: readonly string[], flag: string, env: Env = {}): TaskmeterError {
  const err = configErrorOf(argv, env)
  expect(err.code).toBe('TM_ERR_CONFIG')
  expect(err.name).toBe('TaskmeterError')
  expect(err.message.startsWith(`config: ${flag} `)).toBe(true)
  expect(err.message).not.toMatch(/[\r\n]/)
  return err
}
