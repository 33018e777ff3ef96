// Every comment, test name and document must be understood from this repository alone: no
// pointers to tracking-issue numbers, to a style guide kept elsewhere, or to the example this
// project grew from. A reason is written out, or links a committed file under docs/.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from './harness/agent-process.js'

// Each pattern names a reference to something outside the repo. RNG seeds ("a fixed seed",
// `seed: 0x5eed`) and HTTP origins ("same-origin", "the agent's own origin") stay allowed.
const OUTSIDE_REFERENCES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bissues? ?#?\d+/i, 'an issue number'],
  [/\bhouse[ -]style\b/i, 'the house style guide'],
  [/\bthe seed\b|\bseed's\b|\bseed (?:panels?|demos?|report|dashboard|interval)\b/i, 'the seed document'],
  [/\bthe origin\b|\borigin's\b|\borigin example\b/i, 'the origin example'],
]

const BINARY = /\.(png|jpe?g|gif|ico|woff2?|gz|tgz)$/i

function trackedTextFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' })
  return listed.split('\0').filter((file) => file !== '' && !BINARY.test(file) && file !== 'package-lock.json')
}

describe('the repository speaks of itself', () => {
  it('lists the tracked files (the check below reads something)', () => {
    expect(trackedTextFiles().length).toBeGreaterThan(100)
  })

  it('cites no issue number, style guide or outside example in any tracked file', () => {
    const found: string[] = []
    for (const file of trackedTextFiles()) {
      if (file === 'test/repo-speaks-of-itself.test.ts') continue
      const lines = readFileSync(path.join(REPO_ROOT, file), 'utf8').split('\n')
      lines.forEach((line, i) => {
        for (const [pattern, what] of OUTSIDE_REFERENCES)
          if (pattern.test(line)) found.push(`${file}:${i + 1}: ${what}: ${line.trim().slice(0, 100)}`)
      })
    }
    expect(found, found.join('\n')).toEqual([])
  })
})
