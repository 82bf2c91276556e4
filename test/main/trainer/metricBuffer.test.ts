import { describe, expect, it } from 'vitest'
import type { MetricBatch } from '../../../preload/contract/types'
import { MetricBuffer } from '../../../main/trainer/metricBuffer'
import { FLUSH_INTERVAL_MS } from '../../../main/trainer/protocol'

describe('MetricBuffer', () => {
  it('sends nothing before the interval, then everything as one column batch', () => {
    let now = 1000
    const sent: MetricBatch[] = []
    const buf = new MetricBuffer((b) => sent.push(b), FLUSH_INTERVAL_MS, () => now)
    for (let i = 0; i < 10; i++) {
      buf.add('batch/loss', i, 1, now, 1 / (i + 1))
      now += 3
      buf.maybeFlush(now)
    }
    // 10 points over 30 ms: still under 40 ms, nothing sent yet.
    expect(sent).toHaveLength(0)
    now += 10
    expect(buf.maybeFlush(now)).toBe(true)
    expect(sent).toHaveLength(1)
    expect(sent[0]!.name).toHaveLength(10)
    expect(sent[0]!.step).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(sent[0]!.value[3]).toBeCloseTo(0.25)
    expect(buf.size).toBe(0)
  })

  it('measures the interval from the last flush and never sends an empty batch', () => {
    let now = 0
    const sent: MetricBatch[] = []
    const buf = new MetricBuffer((b) => sent.push(b), 40, () => now)
    now = 100
    expect(buf.maybeFlush(now)).toBe(false) // due, but empty
    buf.add('a', 0, 1, now, 1)
    now = 130
    expect(buf.maybeFlush(now)).toBe(false) // 30 ms after the (empty) flush at 100
    now = 140
    expect(buf.maybeFlush(now)).toBe(true)
    expect(buf.flush(now)).toBe(false)
    expect(sent).toHaveLength(1)
  })

  it('flush() sends at once, and a sent batch is never mutated afterwards', () => {
    const sent: MetricBatch[] = []
    const buf = new MetricBuffer((b) => sent.push(b), 40, () => 0)
    buf.add('x', 1, 1, 5, 2)
    buf.flush()
    buf.add('y', 2, 1, 6, 3)
    buf.flush()
    expect(sent.map((b) => b.name)).toEqual([['x'], ['y']])
    expect(sent[0]).toEqual({ name: ['x'], step: [1], epoch: [1], wallTime: [5], value: [2] })
  })
})
