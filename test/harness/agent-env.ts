// A child agent's environment: the caller's, without the names the agent reads, so that the
// caller's shell cannot leak in, plus what a test sets.
import { ENV_NAMES } from '../../agent/src/config/load-config.js'

const AGENT_ENV: readonly string[] = ENV_NAMES
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && !AGENT_ENV.includes(key)) env[key] = value
  return { ...env, ...extra }
}
