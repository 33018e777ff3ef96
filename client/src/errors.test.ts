// The error registry stays honest (as fastify's errors test keeps its own): every drop reason and
// error code the client can produce has a row in its README.
import { readFileSync } from 'node:fs'
import { CLIENT_REASONS, EVENT_REASONS } from '@taskmeter/protocol'
import { describe, expect, it } from 'vitest'
import { DROP_REASONS, ERROR_CODES, TaskmeterDropError, TaskmeterError } from './index.js'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

describe('error registry', () => {
  it('drops for every protocol event reason and client reason, nothing else', () => {
    expect([...DROP_REASONS].sort()).toEqual([...EVENT_REASONS, ...CLIENT_REASONS].sort())
  })

  it('documents every drop reason in a README table row', () => {
    // The formatter pads table cells to the column width.
    for (const reason of DROP_REASONS) expect(readme).toMatch(new RegExp(`^\\| \`${reason}\` +\\|`, 'm'))
  })

  it('documents every error code', () => {
    for (const code of ERROR_CODES) expect(readme).toContain(`\`${code}\``)
  })

  it('drop errors carry their reason, count and stable code', () => {
    const cause = new Error('root')
    const error = new TaskmeterDropError('send_failed', 3, 'taskmeter client: lost', cause)
    expect(error).toBeInstanceOf(TaskmeterError)
    expect(error).toBeInstanceOf(Error)
    expect(error).toMatchObject({
      code: 'TM_ERR_DROPPED',
      reason: 'send_failed',
      eventCount: 3,
      name: 'TaskmeterDropError',
      cause,
    })
  })
})
