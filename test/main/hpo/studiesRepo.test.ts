import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase, type StudioDb } from '../../../main/storage/db'
import { StudiesRepo } from '../../../main/storage/studiesRepo'
import { tempDir } from '../../helpers/tmp'
import { runStorageContract } from './storageContract'

// A real SQLite file per storage (the contract wants a fresh, empty storage each time).
const t = tempDir('studio-studies-')
const dbs: StudioDb[] = []
let n = 0
afterAll(() => {
  for (const db of dbs) db.close()
  t.cleanup()
})
function fresh(): StudiesRepo {
  const db = openDatabase(path.join(t.dir, `s${n++}.db`))
  dbs.push(db)
  return new StudiesRepo(db)
}

runStorageContract('sqlite', fresh)

describe('StudiesRepo on SQLite', () => {
  it('keeps study settings in their columns and round-trips them through attrs', () => {
    const s = fresh()
    const rec = s.createStudy({
      name: 'cols', direction: 'maximize', space: { params: [{ name: 'x', kind: 'float', low: 0, high: 1 }] }, now: 5,
      attrs: { sampler: { kind: 'gp' }, objective: 'epoch/val_acc', budgetTrials: 20, parallelism: 2, state: 'draft', other: [1, 2] }
    })
    const db = dbs[dbs.length - 1]!
    const row = db.prepare('SELECT * FROM studies WHERE id = ?').get(rec.id) as Record<string, unknown>
    expect(row).toMatchObject({ sampler: '{"kind":"gp"}', objective_metric: 'epoch/val_acc', budget_trials: 20, parallelism: 2, state: 'draft', attrs: '{"other":[1,2]}' })
    s.setStudyAttr(rec.id, 'state', 'running')
    s.setStudyAttr(rec.id, 'budgetTrials', 'lots') // wrong type for the column: kept as an attribute
    expect(s.getStudy(rec.id)?.attrs).toMatchObject({ state: 'running', budgetTrials: 'lots', other: [1, 2] })
    expect((db.prepare('SELECT budget_trials FROM studies WHERE id = ?').get(rec.id) as { budget_trials: unknown }).budget_trials).toBeNull()
  })

  it('stores failReason in the error column and survives reopening the file', () => {
    const file = path.join(t.dir, 'reopen.db')
    let db = openDatabase(file)
    let s = new StudiesRepo(db)
    const rec = s.createStudy({ name: 'r', direction: 'minimize', space: { params: [{ name: 'x', kind: 'float', low: 0, high: 1 }] }, now: 1 })
    s.createTrial(rec.id, { state: 'running', params: { x: 0.5 }, now: 2, worker: 'w0' })
    s.reportIntermediate(rec.id, 0, 0, 0.9)
    s.setTrialAttr(rec.id, 0, 'failReason', 'trainer exited (signal SIGKILL)')
    s.finishTrial(rec.id, 0, { state: 'failed', now: 3 })
    db.close()
    db = openDatabase(file)
    s = new StudiesRepo(db)
    expect(s.getTrial(rec.id, 0)).toEqual({ number: 0, state: 'failed', params: { x: 0.5 }, intermediate: { 0: 0.9 }, attrs: { failReason: 'trainer exited (signal SIGKILL)' }, startedAt: 2, endedAt: 3, worker: 'w0' })
    expect((db.prepare('SELECT error FROM trials').get() as { error: string }).error).toMatch(/SIGKILL/)
    expect(s.deleteStudy(rec.id)).toBe(true)
    expect(db.prepare('SELECT COUNT(*) FROM trial_values').pluck().get()).toBe(0)
    db.close()
  })
})
