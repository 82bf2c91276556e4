/** 005 — runs may be `pruned`: a version-4 file (with a study whose trial links a run) upgrades in place. */
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase, schemaVersion } from '../../../main/storage/db'
import { MIGRATIONS } from '../../../main/storage/migrations/index'
import { StudiesRepo } from '../../../main/storage/studiesRepo'
import { tempDir } from '../../helpers/tmp'

describe('migration 005 (runs_pruned)', () => {
  it('keeps runs, their metrics and the trials that link them; a stopped trial run can then become pruned', () => {
    const t = tempDir()
    try {
      const file = path.join(t.dir, 'studio.db')
      const v4 = openDatabase(file, { migrations: MIGRATIONS.slice(0, 4) })
      expect(schemaVersion(v4)).toBe(4)
      v4.prepare(`INSERT INTO datasets (id, name, source, task, input_shape, num_classes, class_names, train_size, val_size, bytes, dir, sha256, suggested, created_at)
        VALUES ('d', 'd', 's', 'classification', '[2]', 2, '[]', 4, 4, 1, '/d', 'h', '{}', 1)`).run()
      v4.prepare(`INSERT INTO runs (id, name, dataset_id, config, model, status, run_dir, epochs, created_at, epochs_done)
        VALUES ('r1', 'trial 0', 'd', '{}', 'mlp', 'stopped', '/r', 10, 1, 3)`).run()
      const seq = v4.prepare(`SELECT seq FROM runs WHERE id = 'r1'`).pluck().get() as number
      v4.prepare(`INSERT INTO metric_names (id, name) VALUES (1, 'epoch/val_acc')`).run()
      v4.prepare(`INSERT INTO metrics (run_seq, name_id, step, epoch, wall_time, value) VALUES (?, 1, 1, 0, 1, 0.5)`).run(seq)
      const s4 = new StudiesRepo(v4)
      const st = s4.createStudy({ name: 's', direction: 'maximize', space: { params: [{ name: 'x', kind: 'float', low: 0, high: 1 }] }, now: 1 })
      s4.createTrial(st.id, { state: 'running', params: { x: 0.5 }, now: 1 })
      s4.setRunId(st.id, 0, 'r1')
      v4.close()

      const db = openDatabase(file)
      try {
        expect(schemaVersion(db)).toBe(5)
        expect(db.prepare(`SELECT COUNT(*) FROM metrics_v WHERE run_id = 'r1'`).pluck().get()).toBe(1)
        const s = new StudiesRepo(db)
        expect(s.getTrial(st.id, 0)?.attrs.runId).toBe('r1')
        expect(s.trialOfRun('r1')).toEqual({ studyId: st.id, number: 0 })
        expect(s.markRunPruned('r1')).toBe(true)
        expect(db.prepare(`SELECT status, epochs_done FROM runs WHERE id = 'r1'`).get()).toEqual({ status: 'pruned', epochs_done: 3 })
        expect(s.markRunPruned('r1')).toBe(false)
        expect(() => db.prepare(`UPDATE runs SET status = 'bogus' WHERE id = 'r1'`).run()).toThrow(/CHECK/)
        expect(db.pragma('foreign_key_check')).toEqual([])
      } finally {
        db.close()
      }
    } finally {
      t.cleanup()
    }
  })
})
