// Runs the Python client's own test suite (clients/python/tests, stdlib unittest) from the README's
// test command: the golden vectors byte for byte, batching, sampling, in-flight heartbeats,
// never-raises, and an end-to-end run against the built agent. A missing python3 is a failure
// naming the package to install, never a skip.
import { describe, expect, it } from 'vitest'
import { AGENT_CLI, REPO_ROOT } from './harness/agent-process.js'
import { requireTool } from './harness/system-tool.js'
import { type ProcessResult, runProcess } from './harness/run-process.js'

// The suite's own tests poll with deadlines; this only stops a hung interpreter.
const SUITE_TIMEOUT_MS = 170_000

function runUnittest(python: string): Promise<ProcessResult> {
  return runProcess(python, ['-m', 'unittest', 'discover', '-s', 'clients/python/tests', '-v'], {
    cwd: REPO_ROOT,
    // The end-to-end test starts the agent with this Node and this built CLI.
    env: {
      ...process.env,
      TASKMETER_NODE: process.execPath,
      TASKMETER_AGENT_CLI: AGENT_CLI,
      PYTHONDONTWRITEBYTECODE: '1',
    },
    timeoutMs: SUITE_TIMEOUT_MS,
    until: 'exit',
  })
}

describe('Python client (clients/python)', () => {
  it('passes its unittest suite: vectors, batching, sampling, heartbeats, never-raises, agent end to end', async () => {
    const python = requireTool('python3', 'apt-get install python3 (Python >= 3.9)')
    const { code, signal, output } = await runUnittest(python)
    expect(signal, `python3 unittest was killed after ${SUITE_TIMEOUT_MS} ms:\n${output}`).toBeNull()
    expect(code, `python3 -m unittest discover -s clients/python/tests failed:\n${output}`).toBe(0)
    // unittest exits 0 on "NO TESTS RAN" in old Pythons and never reports skips as failures: check both.
    expect(output).toMatch(/^OK$/m)
    expect(output).not.toMatch(/\.\.\. skipped |skipped=/)
    expect(output).toMatch(/Ran [1-9][0-9]* tests?/)
  }, 180_000)
})
