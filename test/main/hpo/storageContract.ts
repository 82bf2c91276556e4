import { describe, expect, it } from 'vitest'
import type { SearchSpace } from '../../../main/hpo/space'
import type { StudyStorage } from '../../../main/hpo/types'

const space: SearchSpace = { params: [{ name: 'x', kind: 'float', low: 0, high: 1 }] }

/**
 * The contract every {@link StudyStorage} must pass (Optuna style): call it from a test file
 * with a factory that returns a fresh, empty storage — `runStorageContract('sqlite', () =>
 * new SqliteStudyStorage(openTempDb()))`. Each invariant of the interface's TSDoc has a case.
 */
export function runStorageContract(label: string, makeStorage: () => StudyStorage): void {
  describe(`StudyStorage contract: ${label}`, () => {
    const setup = (): { s: StudyStorage; id: string } => {
      const s = makeStorage()
      const rec = s.createStudy({ name: 'study-a', direction: 'minimize', space, attrs: { sampler: 'tpe' }, now: 1000 })
      return { s, id: rec.id }
    }

    it('creates, lists and reads studies with their space and attributes', () => {
      const { s, id } = setup()
      const other = s.createStudy({ name: 'study-b', direction: 'maximize', space, now: 2000 })
      expect(other.id).not.toBe(id)
      expect(s.getStudy(id)).toMatchObject({ id, name: 'study-a', direction: 'minimize', space, createdAt: 1000, attrs: { sampler: 'tpe' } })
      expect(s.listStudies().map((x) => x.name).sort()).toEqual(['study-a', 'study-b'])
      s.setStudyAttr(id, 'budget', { trials: 20 })
      expect(s.getStudy(id)?.attrs.budget).toEqual({ trials: 20 })
      expect(s.getStudy('nope')).toBeUndefined()
    })

    it('numbers trials densely from 0 in creation order, per study', () => {
      const { s, id } = setup()
      const other = s.createStudy({ name: 'b', direction: 'minimize', space, now: 0 })
      expect(s.createTrial(id, { state: 'running', params: { x: 0.1 }, now: 1 }).number).toBe(0)
      expect(s.createTrial(other.id, { state: 'running', params: { x: 0.2 }, now: 1 }).number).toBe(0)
      expect(s.createTrial(id, { state: 'waiting', params: { x: 0.3 }, now: 1 }).number).toBe(1)
      expect(s.createTrial(id, { state: 'running', params: { x: 0.4 }, now: 1, worker: 'w1' }).number).toBe(2)
      expect(s.getTrials(id).map((t) => t.number)).toEqual([0, 1, 2])
      expect(s.getTrials(id, ['waiting']).map((t) => t.number)).toEqual([1])
    })

    it('sets startedAt on running, endedAt and value on finish', () => {
      const { s, id } = setup()
      const t = s.createTrial(id, { state: 'running', params: { x: 0.5 }, now: 10, worker: 'w0' })
      expect(t).toMatchObject({ state: 'running', startedAt: 10, worker: 'w0', params: { x: 0.5 }, intermediate: {}, attrs: {} })
      const done = s.finishTrial(id, t.number, { state: 'complete', value: 0.25, now: 20 })
      expect(done).toMatchObject({ state: 'complete', value: 0.25, startedAt: 10, endedAt: 20 })
      expect(s.getTrial(id, t.number)).toEqual(done)
    })

    it('finished trials are immutable', () => {
      const { s, id } = setup()
      for (const state of ['complete', 'pruned', 'failed'] as const) {
        const t = s.createTrial(id, { state: 'running', params: { x: 0.5 }, now: 0 })
        s.finishTrial(id, t.number, { state, ...(state === 'complete' ? { value: 1 } : {}), now: 1 })
        expect(() => s.reportIntermediate(id, t.number, 0, 1)).toThrow()
        expect(() => s.setTrialAttr(id, t.number, 'k', 1)).toThrow()
        expect(() => s.finishTrial(id, t.number, { state: 'complete', value: 2, now: 2 })).toThrow()
        expect(s.getTrial(id, t.number)?.state).toBe(state)
      }
    })

    it('a complete trial needs a finite value; a failed one keeps none', () => {
      const { s, id } = setup()
      const t = s.createTrial(id, { state: 'running', params: { x: 0.5 }, now: 0 })
      expect(() => s.finishTrial(id, t.number, { state: 'complete', now: 1 })).toThrow()
      expect(() => s.finishTrial(id, t.number, { state: 'complete', value: NaN, now: 1 })).toThrow()
      expect(s.getTrial(id, t.number)?.state).toBe('running')
      const f = s.finishTrial(id, t.number, { state: 'failed', value: 3, now: 1 })
      expect(f.value).toBeUndefined()
    })

    it('keeps the first value of a step reported twice; reports only while running', () => {
      const { s, id } = setup()
      const t = s.createTrial(id, { state: 'running', params: { x: 0.5 }, now: 0 })
      s.reportIntermediate(id, t.number, 0, 0.9)
      s.reportIntermediate(id, t.number, 1, 0.7)
      s.reportIntermediate(id, t.number, 1, 0.1)
      expect(s.getTrial(id, t.number)?.intermediate).toEqual({ 0: 0.9, 1: 0.7 })
      const w = s.createTrial(id, { state: 'waiting', params: { x: 0.1 }, now: 0 })
      expect(() => s.reportIntermediate(id, w.number, 0, 1)).toThrow()
    })

    it('claims waiting trials lowest number first, each exactly once; waiting may only fail', () => {
      const { s, id } = setup()
      s.createTrial(id, { state: 'running', params: { x: 0.5 }, now: 0 })
      s.createTrial(id, { state: 'waiting', params: { x: 0.1 }, now: 0 })
      s.createTrial(id, { state: 'waiting', params: { x: 0.2 }, now: 0 })
      expect(() => s.finishTrial(id, 1, { state: 'complete', value: 1, now: 1 })).toThrow()
      const a = s.claimWaitingTrial(id, 'w1', 5)
      expect(a).toMatchObject({ number: 1, state: 'running', startedAt: 5, worker: 'w1', params: { x: 0.1 } })
      expect(s.claimWaitingTrial(id, 'w2', 6)?.number).toBe(2)
      expect(s.claimWaitingTrial(id, 'w3', 7)).toBeUndefined()
      const c = s.createTrial(id, { state: 'waiting', params: { x: 0.3 }, now: 0 })
      expect(s.finishTrial(id, c.number, { state: 'failed', now: 8 }).state).toBe('failed')
      expect(s.claimWaitingTrial(id, 'w3', 9)).toBeUndefined()
    })

    it('returns copies: mutating a read never changes what is stored', () => {
      const { s, id } = setup()
      const t = s.createTrial(id, { state: 'running', params: { x: 0.5 }, now: 0, attrs: { runId: 'r1' } })
      t.params.x = 99
      t.attrs.runId = 'changed'
      const read = s.getTrial(id, 0)!
      read.intermediate[3] = 1
      const rec = s.getStudy(id)!
      rec.attrs.sampler = 'changed'
      expect(s.getTrial(id, 0)).toMatchObject({ params: { x: 0.5 }, attrs: { runId: 'r1' }, intermediate: {} })
      expect(s.getStudy(id)?.attrs.sampler).toBe('tpe')
    })

    it('stores attributes on running trials', () => {
      const { s, id } = setup()
      s.createTrial(id, { state: 'running', params: { x: 0.5 }, now: 0 })
      s.setTrialAttr(id, 0, 'completed_rung_0', 0.3)
      s.setTrialAttr(id, 0, 'runId', 'r-abc')
      expect(s.getTrial(id, 0)?.attrs).toEqual({ completed_rung_0: 0.3, runId: 'r-abc' })
    })

    it('throws naming unknown studies and trials', () => {
      const { s, id } = setup()
      expect(() => s.createTrial('missing', { state: 'running', params: {}, now: 0 })).toThrow(/missing/)
      expect(() => s.reportIntermediate(id, 42, 0, 1)).toThrow(/42/)
      expect(s.getTrial(id, 42)).toBeUndefined()
    })
  })
}
