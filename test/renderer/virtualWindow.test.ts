import { describe, expect, it } from 'vitest'
import { PageCache, gridColumns, gridWindow, pagesFor, rowWindow } from '../../renderer/src/lib/virtualWindow'

describe('rowWindow', () => {
  it('renders only the rows in view plus the overscan, with spacers for the rest', () => {
    const w = rowWindow(30 * 1000, 300, 30, 100_000, 5)
    expect(w.start).toBe(995)
    expect(w.end).toBe(1000 + 10 + 1 + 5)
    expect(w.padTop).toBe(995 * 30)
    expect(w.padBottom).toBe((100_000 - w.end) * 30)
    // The spacers and the rendered rows add up to the full height, so the scrollbar is exact.
    expect(w.padTop + (w.end - w.start) * 30 + w.padBottom).toBe(100_000 * 30)
  })
  it('starts at 0 at the top and never goes past the end', () => {
    expect(rowWindow(0, 300, 30, 100_000, 5)).toMatchObject({ start: 0, padTop: 0 })
    const end = rowWindow(30 * 100_000, 300, 30, 100_000, 5)
    expect(end.end).toBe(100_000)
    expect(end.padBottom).toBe(0)
    expect(end.start).toBe(100_000 - 10 - 5)
  })
  it('clamps a scroll position left over from a longer list', () => {
    const w = rowWindow(1e9, 300, 30, 20, 2)
    expect(w.end).toBe(20)
    expect(w.start).toBeGreaterThanOrEqual(0)
  })
  it('handles empty lists, tiny viewports and negative scroll', () => {
    expect(rowWindow(0, 300, 30, 0)).toEqual({ start: 0, end: 0, padTop: 0, padBottom: 0 })
    expect(rowWindow(-50, 0, 30, 10, 0)).toMatchObject({ start: 0, end: 2 })
    expect(rowWindow(0, 1000, 30, 3, 4)).toEqual({ start: 0, end: 3, padTop: 0, padBottom: 0 })
  })
})

describe('grids', () => {
  it('fits whole cells with gaps, at least one', () => {
    expect(gridColumns(800, 84, 8)).toBe(8) // 8 × 84 + 7 × 8 = 728 ≤ 800; 9 would need 820
    expect(gridColumns(10, 84, 8)).toBe(1)
  })
  it('windows whole rows of items', () => {
    const w = gridWindow(104 * 50, 520, 104, 8, 60_000, 2)
    expect(w.start % 8).toBe(0)
    expect(w.start).toBe(48 * 8)
    expect(w.end).toBe((50 + 5 + 1 + 2) * 8)
    const last = gridWindow(1e9, 520, 104, 8, 61, 2)
    expect(last.end).toBe(61)
  })
})

describe('pagesFor', () => {
  it('lists the pages a range touches', () => {
    expect(pagesFor(0, 200, 200)).toEqual([0])
    expect(pagesFor(190, 230, 200)).toEqual([0, 1])
    expect(pagesFor(400, 401, 200)).toEqual([2])
    expect(pagesFor(5, 5, 200)).toEqual([])
  })
})

describe('PageCache', () => {
  it('keeps the most recently used pages up to its capacity', () => {
    const c = new PageCache<string>(3)
    c.set(1, 'a'); c.set(2, 'b'); c.set(3, 'c')
    expect(c.get(1)).toBe('a') // 1 is now the most recent
    c.set(4, 'd') // evicts 2, the least recent
    expect(c.has(2)).toBe(false)
    expect([1, 3, 4].every((p) => c.has(p))).toBe(true)
    expect(c.size).toBe(3)
    c.clear()
    expect(c.size).toBe(0)
  })
})
