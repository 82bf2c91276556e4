import { describe, expect, it } from 'vitest'
import { MemoryStorage } from '../../../main/hpo/memoryStorage'
import { MedianPruner } from '../../../main/hpo/pruners/percentilePruner'
import { RandomSampler } from '../../../main/hpo/samplers/randomSampler'
import { TPESampler } from '../../../main/hpo/samplers/tpeSampler'
import type { SearchSpace } from '../../../main/hpo/space'
import { Study } from '../../../main/hpo/study'

const space: SearchSpace = { params: [{ name: 'x', kind: 'float', low: 0, high: 1 }, { name: 'opt', kind: 'categorical', choices: ['a', 'b'] }] }

describe('Study (ask/tell)', () => {
  it('hands out enqueued trials first, then sampled ones, and validates enqueued params', () => {
    const study = Study.create(new MemoryStorage(), { name: 's', direction: 'minimize', space }, { sampler: new RandomSampler(1) })
    study.enqueue({ x: 0.5, opt: 'a' })
    expect(() => study.enqueue({ x: 2, opt: 'a' })).toThrow('cannot enqueue: x: 2 is outside the parameter\'s domain')
    const t0 = study.ask('w0', 100)
    expect(t0).toMatchObject({ number: 0, state: 'running', params: { x: 0.5, opt: 'a' }, worker: 'w0', startedAt: 100 })
    const t1 = study.ask('w1', 101)
    expect(t1.number).toBe(1)
    study.tell(t0.number, 0.3, 200)
    study.tell(t1.number, NaN, 201)
    expect(study.trials().map((t) => t.state)).toEqual(['complete', 'failed'])
    expect(study.trials()[1]!.attrs.failReason).toBe('objective returned NaN')
    expect(study.bestTrial()?.number).toBe(0)
  })
  it('resumes deterministically: a new sampler on the same storage proposes what the uninterrupted one would', () => {
    const a = Study.create(new MemoryStorage(), { name: 'a', direction: 'minimize', space, now: 0 }, { sampler: new TPESampler({ seed: 5, nStartupTrials: 3 }) })
    a.optimize((p) => (p.x as number) + (p.opt === 'a' ? 0 : 1), 12)
    const storage = new MemoryStorage()
    const b = Study.create(storage, { name: 'b', direction: 'minimize', space, now: 0 }, { sampler: new TPESampler({ seed: 5, nStartupTrials: 3 }) })
    b.optimize((p) => (p.x as number) + (p.opt === 'a' ? 0 : 1), 6)
    // "Crash": a fresh Study and sampler over the same storage.
    const resumed = new Study(storage, b.studyId, { sampler: new TPESampler({ seed: 5, nStartupTrials: 3 }) })
    resumed.optimize((p) => (p.x as number) + (p.opt === 'a' ? 0 : 1), 6)
    expect(resumed.trials().map((t) => t.params)).toEqual(a.trials().map((t) => t.params))
  })
  it('prunes through the pruner and records the last intermediate value', () => {
    const study = Study.create(new MemoryStorage(), { name: 'p', direction: 'minimize', space, now: 0 }, { sampler: new RandomSampler(2), pruner: new MedianPruner({ nStartupTrials: 1 }) })
    study.optimize((_p, report) => {
      for (let e = 0; e < 5; e++) if (report(e, 1 - e * 0.1)) return NaN
      return 0.6
    }, 1)
    study.optimize((_p, report) => {
      for (let e = 0; e < 5; e++) if (report(e, 2)) return NaN
      return 2
    }, 1)
    const [a, b] = study.trials()
    expect(a!.state).toBe('complete')
    expect(b!.state).toBe('pruned')
    expect(b!.value).toBe(2)
    expect(Object.keys(b!.intermediate)).toEqual(['0'])
  })
  it('records an objective that throws as failed with the reason', () => {
    const study = Study.create(new MemoryStorage(), { name: 'f', direction: 'minimize', space, now: 0 }, { sampler: new RandomSampler(2) })
    study.optimize(() => {
      throw new Error('out of memory')
    }, 1)
    expect(study.trials()[0]).toMatchObject({ state: 'failed', attrs: { failReason: 'Error: out of memory' } })
  })
  it('retries a failed trial as a waiting one and imports finished trials from another study', () => {
    const a = Study.create(new MemoryStorage(), { name: 'a', direction: 'minimize', space, now: 0 }, { sampler: new RandomSampler(3) })
    a.optimize((p) => {
      if (p.opt === 'b') throw new Error('boom')
      return p.x as number
    }, 8)
    const failed = a.trials().find((t) => t.state === 'failed')!
    const retry = a.retry(failed.number)
    expect(retry).toMatchObject({ state: 'waiting', params: failed.params, attrs: { retryOf: failed.number } })
    expect(a.ask().number).toBe(retry.number)
    const b = Study.create(new MemoryStorage(), { name: 'b', direction: 'minimize', space, now: 0 }, { sampler: new RandomSampler(4) })
    const complete = a.trials().filter((t) => t.state === 'complete')
    expect(b.importTrials(a.trials(), 'a')).toBe(complete.length)
    expect(b.trials().map((t) => t.value)).toEqual(complete.map((t) => t.value))
    expect(b.trials()[0]!.attrs.importedFrom).toBe(`a#${complete[0]!.number}`)
    expect(b.bestTrial()!.value).toBe(a.bestTrial()!.value)
  })
})
