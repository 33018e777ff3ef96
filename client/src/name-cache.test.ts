import { describe, expect, it } from 'vitest'
import { MAX_CACHED_NAMES, NameCache } from './name-cache.js'
import { MAX_CACHED_TAG_SETS, ScopeTags } from './tag-cache.js'

describe('NameCache', () => {
  it('encodes prefix + name once and returns the same bytes after', () => {
    const cache = new NameCache('app.')
    const first = cache.resolve('task')
    expect(typeof first).not.toBe('string')
    expect(cache.get('task')).toBe(first)
    expect(cache.get('task')?.fullName).toBe('app.task')
    expect(Buffer.from(cache.get('task')?.bytes ?? []).toString('hex')).toBe(
      Buffer.from('\xa8app.task', 'latin1').toString('hex'),
    )
  })

  it('is bounded: past MAX_CACHED_NAMES new names still encode, uncached', () => {
    const cache = new NameCache('')
    for (let i = 0; i < MAX_CACHED_NAMES; i++) cache.resolve(`n${i}`)
    const late = cache.resolve('late_name')
    expect(typeof late === 'string' ? late : late.fullName).toBe('late_name')
    expect(cache.get('late_name')).toBeUndefined()
    expect(cache.get('n0')).toBeDefined()
  })

  it('rejects empty, non-string and too-long names, counting the prefix', () => {
    const cache = new NameCache('p'.repeat(190))
    expect(cache.resolve('')).toBe('bad_name')
    expect(cache.resolve(undefined)).toBe('bad_name')
    expect(cache.resolve('x'.repeat(10))).not.toBe('name_too_long')
    expect(cache.resolve('x'.repeat(11))).toBe('name_too_long')
  })
})

describe('ScopeTags', () => {
  it('merges parent then child tags, later keys winning in their first position', () => {
    const root = ScopeTags.create({ a: '1', b: '2' }, null)
    if (typeof root === 'string') throw new Error(root)
    const child = ScopeTags.create(
      new Map([
        ['b', 'x'],
        ['c', '3'],
      ]),
      root,
    )
    if (typeof child === 'string') throw new Error(child)
    expect([...child.merged]).toEqual([
      ['a', '1'],
      ['b', 'x'],
      ['c', '3'],
    ])
  })

  it('caches per-call tag sets by content, bounded', () => {
    const root = ScopeTags.create(null, null)
    if (typeof root === 'string') throw new Error(root)
    const first = root.forCall({ k: 'v' })
    expect(root.forCall({ k: 'v' })).toBe(first)
    // Length-prefixed keys: these two differ although their concatenations match.
    expect(root.forCall({ ab: 'c' })).not.toEqual(root.forCall({ a: 'bc' }))
    for (let i = 0; i < MAX_CACHED_TAG_SETS + 5; i++) root.forCall({ i: String(i) })
    expect(root.forCall({ i: String(MAX_CACHED_TAG_SETS + 1) })).not.toBe(
      root.forCall({ i: String(MAX_CACHED_TAG_SETS + 1) }),
    )
    expect(root.forCall({ k: 'v' })).toBe(first)
  })

  it('treats null call tags as none and rejects non-objects and non-string array entries', () => {
    const root = ScopeTags.create({ a: '1' }, null)
    if (typeof root === 'string') throw new Error(root)
    expect(root.forCall(null)).toBe(root.bytes)
    expect(root.forCall('a:b')).toBe('bad_tags')
    expect(root.forCall(['a:b', 7])).toBe('bad_tags')
    expect(root.forCall([':no_key'])).toBe('bad_tags')
    expect(root.forCall({ a: 1 })).toBe('bad_tags')
  })

  it("reads an array of 'key:value' like the object it spells, caching it apart", () => {
    const root = ScopeTags.create(null, null)
    if (typeof root === 'string') throw new Error(root)
    const fromArray = root.forCall(['k:v', 'url:http://x:80', 'canary'])
    expect(fromArray).toEqual(root.forCall({ k: 'v', url: 'http://x:80', canary: 'true' }))
    expect(root.forCall(['k:v', 'url:http://x:80', 'canary'])).toBe(fromArray)
    // Entries are length-prefixed in the cache key: ['ab', 'c'] is not ['a', 'bc'].
    expect(root.forCall(['ab', 'c'])).not.toEqual(root.forCall(['a', 'bc']))
  })
})
