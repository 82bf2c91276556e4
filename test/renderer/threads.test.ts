import { describe, expect, it } from 'vitest'
import { parseThreads, threadFields } from '../../renderer/src/lib/threads'

describe('threads field', () => {
  it('empty or "auto" is Auto; whole numbers 1–256 are taken; anything else is a specific error', () => {
    expect(parseThreads('')).toEqual({ ok: true, value: undefined })
    expect(parseThreads('  Auto ')).toEqual({ ok: true, value: undefined })
    expect(parseThreads(' 4 ')).toEqual({ ok: true, value: 4 })
    expect(parseThreads('256')).toEqual({ ok: true, value: 256 })
    for (const bad of ['0', '257', '1.5', '-2', 'two', '2 threads']) expect(parseThreads(bad)).toEqual({ ok: false, key: 'threadsRange' })
  })
  it('adds threads/dropLast to a run config only when set', () => {
    expect(threadFields('', false)).toEqual({})
    expect(threadFields('2', true)).toEqual({ threads: 2, dropLast: true })
    expect(threadFields('x', false)).toBeNull()
  })
})
