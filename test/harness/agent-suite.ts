// One agent process shared by the tests of a file or describe block: started before the first
// test, stopped after the last. Each e2e file that needs only a plain agent used to spell out the
// same beforeAll/afterAll pair around a `let`.
import { afterAll, beforeAll } from 'vitest'
import { type AgentProcess, startAgentProcess } from './agent-process.js'

/** Registers the hooks where it is called; the returned function gives the running agent. */
export function agentPerSuite(args: string[] = []): () => AgentProcess {
  let agent: AgentProcess | undefined
  beforeAll(async () => {
    agent = await startAgentProcess(args)
  })
  afterAll(async () => {
    await agent?.stop()
  })
  return () => {
    if (agent === undefined) throw new Error('the agent process has not started (is this inside a test?)')
    return agent
  }
}
