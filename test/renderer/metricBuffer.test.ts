import { describe, expect, it } from 'vitest'
import { MetricBuffer } from '../../renderer/src/lib/metricBuffer'
import { recordLatency } from '../../renderer/src/lib/chartSource'
import { decimateForView, decimateRange, lowerBound } from '../../renderer/src/lib/decimate'

function batch(rows: Array<[string, number, number]>, wallTime = 1000) {
  return {
    name: rows.map((r) => r[0]),
    step: rows.map((r) => r[1]),
    epoch: rows.map(() => 0),
    wallTime: rows.map(() => wallTime),
    value: rows.map((r) => r[2])
  }
}

describe('MetricBuffer', () => {
  it('appends history and live batches per metric as [step, value] pairs', () => {
    const b = new MetricBuffer()
    b.appendHistory({ 'batch/loss': { step: [1, 2], epoch: [0, 0], wallTime: [1, 2], value: [0.9, 0.8] } })
    b.appendBatch(batch([['batch/loss', 3, 0.7], ['batch/acc', 3, 0.5]]))
    expect(b.points('batch/loss')).toEqual([[1, 0.9], [2, 0.8], [3, 0.7]])
    expect(b.points('batch/acc')).toEqual([[3, 0.5]])
    expect(b.latest('batch/loss')).toBe(0.7)
    expect(b.latest('nope')).toBeNull()
  })

  it('drops points a live batch and a history load both carry (no double drawing)', () => {
    const b = new MetricBuffer()
    b.appendBatch(batch([['batch/loss', 5, 0.5]]))
    const added = b.appendHistory({ 'batch/loss': { step: [4, 5, 6], epoch: [0, 0, 0], wallTime: [0, 0, 0], value: [0.6, 0.5, 0.4] } })
    expect(added).toBe(1)
    expect(b.points('batch/loss')).toEqual([[5, 0.5], [6, 0.4]])
  })

  it('counts live appends and remembers the newest wall time, only when something was new', () => {
    const b = new MetricBuffer()
    expect(b.appendBatch(batch([['m', 1, 1]], 5000))).toBe(1)
    expect(b.liveSeq).toBe(1)
    expect(b.liveWallTime).toBe(5000)
    expect(b.appendBatch(batch([['m', 1, 1]], 9000))).toBe(0)
    expect(b.liveSeq).toBe(1)
    expect(b.liveWallTime).toBe(5000)
    b.clear()
    expect(b.points('m')).toEqual([])
    expect(b.liveSeq).toBe(1)
  })

  it('resyncs after the smallest last step across metrics', () => {
    const b = new MetricBuffer()
    expect(b.resyncAfterStep()).toBe(-1)
    b.appendBatch(batch([['batch/loss', 10, 1], ['epoch/val_loss', 7, 1]]))
    expect(b.resyncAfterStep()).toBe(7)
  })
})

describe('recordLatency', () => {
  it('creates the array lazily and caps it at 10,000 entries, keeping the newest', () => {
    const w: { __studioLatency?: number[] } = {}
    recordLatency(w, 5)
    expect(w.__studioLatency).toEqual([5])
    for (let i = 0; i < 10_050; i++) recordLatency(w, i)
    expect(w.__studioLatency!.length).toBe(10_000)
    expect(w.__studioLatency![w.__studioLatency!.length - 1]).toBe(10_049)
  })
})

describe('decimation', () => {
  const pts = Array.from({ length: 100_000 }, (_, i): [number, number] => [i, Math.sin(i / 100)])
  pts[54_321] = [54_321, 99] // a spike must survive decimation

  it('returns small series untouched (same array, no copy)', () => {
    const small = pts.slice(0, 500)
    expect(decimateForView(small, 0, 499, 1000, 100)).toBe(small)
  })

  it('bounds the output, keeps order, the ends and the spike', () => {
    const out = decimateForView(pts, 0, 99_999, 1000, 100)
    expect(out.length).toBeLessThanOrEqual(2 * 1000 + 4 * 100 + 3)
    expect(out[0]).toEqual([0, 0])
    expect(out[out.length - 1]).toEqual(pts[99_999])
    for (let i = 1; i < out.length; i++) expect(out[i]![0]).toBeGreaterThan(out[i - 1]![0])
    expect(out.some((p) => p[1] === 99)).toBe(true)
  })

  it('keeps every point inside a narrow zoom window', () => {
    const out = decimateForView(pts, 50_000, 50_500, 1000, 100)
    const inside = out.filter((p) => p[0] >= 50_000 && p[0] <= 50_500)
    expect(inside.length).toBe(501)
  })

  it('finds lower bounds and decimates ranges by min/max', () => {
    expect(lowerBound(pts, -5)).toBe(0)
    expect(lowerBound(pts, 10.5)).toBe(11)
    expect(lowerBound(pts, 1e9)).toBe(pts.length)
    const out: [number, number][] = []
    decimateRange([[0, 1], [1, 5], [2, 0], [3, 2], [4, 3], [5, 1], [6, 7], [7, 0]], 0, 8, 2, out)
    expect(out).toEqual([[1, 5], [2, 0], [6, 7], [7, 0]])
  })
})
