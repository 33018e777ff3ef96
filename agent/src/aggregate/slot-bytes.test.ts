import { describe, expect, it } from 'vitest'
import { SlotBytes } from './slot-bytes.js'

describe('SlotBytes', () => {
  it('replaces staged segments and keeps the others, reusing its array while they fit', () => {
    const spans = new Float64Array(SlotBytes.spanLength(3))
    const slots = new SlotBytes(spans, 0, 3)
    slots.put(0, new Uint8Array([1, 2, 3]))
    slots.put(2, new Uint8Array([9]))
    slots.commit()
    expect([...slots.view(0)]).toEqual([1, 2, 3])
    expect(slots.length(1)).toBe(0)
    expect([...slots.view(2)]).toEqual([9])
    const array = slots.bytes
    slots.put(0, new Uint8Array([4, 5]))
    slots.put(1, new Uint8Array([6]))
    slots.commit()
    expect(slots.bytes).toBe(array)
    expect([[...slots.view(0)], [...slots.view(1)], [...slots.view(2)]]).toEqual([[4, 5], [6], [9]])
    slots.put(0, null)
    slots.put(1, null)
    slots.put(2, null)
    slots.commit()
    expect(slots.footprintBytes()).toBe(40)
  })
})
