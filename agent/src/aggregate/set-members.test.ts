import { describe, expect, it } from 'vitest'
import { MAX_SET_MEMBERS, SetMembers, hashSetMember } from './set-members.js'

const LIVE = 12
const hashOf = (member: string): number => {
  const bytes = Buffer.from(member)
  return hashSetMember(bytes, 0, bytes.length)
}

describe('SetMembers', () => {
  it('counts unique members, whatever their order or repetition', () => {
    const set = new SetMembers()
    for (const member of ['a', 'b', 'a', 'c', 'b', 'a']) expect(set.add(hashOf(member), 0, LIVE)).toBe(true)
    expect(set.liveCount(0, LIVE)).toBe(3)
  })

  it('forgets a member once its epoch leaves the window, and counts it again when seen', () => {
    const set = new SetMembers()
    set.add(hashOf('a'), 0, LIVE)
    set.add(hashOf('b'), 5, LIVE)
    expect(set.liveCount(11, LIVE)).toBe(2)
    expect(set.liveCount(12, LIVE)).toBe(1) // 'a' (epoch 0) is out; 'b' stays until epoch 17
    expect(set.liveCount(17, LIVE)).toBe(0)
    set.add(hashOf('a'), 17, LIVE)
    expect(set.liveCount(17, LIVE)).toBe(1)
  })

  it(`holds at most ${MAX_SET_MEMBERS} live members and refuses new ones past that`, () => {
    const set = new SetMembers()
    for (let i = 0; i < MAX_SET_MEMBERS; i++) expect(set.add(hashOf(`user-${i}`), 0, LIVE)).toBe(true)
    expect(set.add(hashOf('one-too-many'), 0, LIVE)).toBe(false)
    expect(set.add(hashOf('user-7'), 0, LIVE)).toBe(true) // a known member is still refreshed
    expect(set.liveCount(0, LIVE)).toBe(MAX_SET_MEMBERS)
    expect(set.footprintBytes()).toBeLessThanOrEqual(64 + MAX_SET_MEMBERS * 2 * 12)
  })

  it('makes room when members expire (a sweep when full)', () => {
    const set = new SetMembers()
    for (let i = 0; i < MAX_SET_MEMBERS; i++) set.add(hashOf(`old-${i}`), 0, LIVE)
    expect(set.add(hashOf('new'), 12, LIVE)).toBe(true)
    expect(set.liveCount(12, LIVE)).toBe(1)
  })

  it('hashes distinct members apart (no collision among 100 000 strings)', () => {
    const seen = new Set<number>()
    for (let i = 0; i < 100_000; i++) seen.add(hashOf(`member-${i}`))
    expect(seen.size).toBe(100_000)
    expect(hashOf('')).not.toBe(0)
  })
})
