/**
 * 003 — models and the checkpoint lifecycle: a version-2 file (with datasets, runs, metrics and
 * checkpoints) upgrades in place. The runs table is rebuilt to widen its status CHECK, so this
 * test holds that every row, metric and checkpoint stays attached and foreign keys still bite.
 */
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase, schemaVersion } from '../../../main/storage/db'
import { MIGRATIONS, SCHEMA_VERSION } from '../../../main/storage/migrations/index'
import { CheckpointsRepo } from '../../../main/storage/checkpointsRepo'
import { DatasetsRepo } from '../../../main/storage/datasetsRepo'
import { MetricsRepo } from '../../../main/storage/metricsRepo'
import { ModelsRepo } from '../../../main/storage/modelsRepo'
import { RunsRepo } from '../../../main/storage/runsRepo'
import { tempDir } from '../../helpers/tmp'

const dataset = {
  id: 'd1', name: 'd1', description: '', source: 's', task: 'classification' as const, inputShape: [2], numClasses: 2, classNames: ['a', 'b'],
  trainSize: 8, valSize: 2, bytes: 80, isSample: false, createdAt: 1, suggested: { template: 'mlp' as const }, dir: '/d/d1', sha256: 'h'
}
const config = { datasetId: 'd1', model: { template: 'mlp' as const }, optimizer: 'adam' as const, learningRate: 0.1, batchSize: 1, epochs: 3, seed: 0, backend: 'auto' as const }

describe('migration 003 (models, checkpoint lifecycle)', () => {
  it('upgrades a version-2 database in place, keeping runs, metrics and checkpoints', () => {
    const t = tempDir()
    try {
      const file = path.join(t.dir, 'studio.db')
      const v2 = openDatabase(file, { migrations: MIGRATIONS.slice(0, 2) })
      expect(schemaVersion(v2)).toBe(2)
      new DatasetsRepo(v2).upsert(dataset)
      // RunsRepo of this build writes 003 columns: insert version-2 rows by hand.
      const ins = v2.prepare(`INSERT INTO runs (id, name, dataset_id, parent_run_id, config, model, status, run_dir, epochs, created_at, epochs_done, steps, best_val_acc)
        VALUES (?, ?, 'd1', ?, ?, 'mlp', ?, '/r', 3, ?, 2, 20, 0.75)`)
      ins.run('r1', 'first', null, JSON.stringify(config), 'completed', 1)
      ins.run('r2', 'second', 'r1', JSON.stringify(config), 'failed', 2)
      new MetricsRepo(v2).append('r1', { name: ['epoch/loss', 'epoch/loss'], step: [9, 19], epoch: [1, 2], wallTime: [1, 2], value: [0.5, 0.25] })
      v2.prepare(`INSERT INTO checkpoints (run_id, epoch, step, path, bytes, metrics, is_best, is_last, created_at)
        VALUES ('r1', 1, 9, '/r/c1', 10, '{"epoch/val_acc":0.5}', 0, 0, 1), ('r1', 2, 19, '/r/c2', 10, '{"epoch/val_acc":0.75}', 1, 1, 2)`).run()
      v2.close()

      const db = openDatabase(file)
      expect(schemaVersion(db)).toBe(SCHEMA_VERSION)
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
      const runs = new RunsRepo(db)
      expect(runs.list().map((r) => r.id)).toEqual(['r2', 'r1'])
      expect(runs.get('r1')).toMatchObject({ name: 'first', status: 'completed', epochsDone: 2, steps: 20, bestValAcc: 0.75, parentRunId: null, modelId: null, modelVersion: null, parentCheckpointId: null, resumeCount: 0 })
      expect(runs.get('r2')).toMatchObject({ status: 'failed', parentRunId: 'r1' })
      expect(new MetricsRepo(db).series('r1')['epoch/loss']!.value).toEqual([0.5, 0.25])
      // the view over metrics was recreated against the rebuilt table
      expect(db.prepare('SELECT count(*) FROM metrics_v WHERE run_id = ?').pluck().get('r1')).toBe(2)
      const cps = new CheckpointsRepo(db).list('r1')
      expect(cps.map((c) => [c.epoch, c.isBest, c.isLast, c.deleted])).toEqual([[1, false, false, false], [2, true, true, false]])
      // new statuses are accepted, unknown ones still refused, foreign keys still enforced
      db.prepare(`UPDATE runs SET status = 'paused' WHERE id = 'r1'`).run()
      db.prepare(`UPDATE runs SET status = 'diverged' WHERE id = 'r1'`).run()
      expect(() => db.prepare(`UPDATE runs SET status = 'exploded' WHERE id = 'r1'`).run()).toThrow(/CHECK/)
      expect(() => db.prepare(`INSERT INTO checkpoints (run_id, epoch, step, path, bytes, metrics, created_at) VALUES ('nope', 1, 1, '/x', 1, '{}', 1)`).run()).toThrow(/FOREIGN KEY/)
      // deleting a run still cascades to its metrics and checkpoints
      db.prepare(`DELETE FROM runs WHERE id = 'r2'`).run()
      db.prepare(`DELETE FROM runs WHERE id = 'r1'`).run()
      expect(db.prepare('SELECT count(*) FROM metrics').pluck().get()).toBe(0)
      expect(db.prepare('SELECT count(*) FROM checkpoints').pluck().get()).toBe(0)
      db.close()
    } finally {
      t.cleanup()
    }
  })

  it('models keep versions; runs reference the version they trained', () => {
    const t = tempDir()
    try {
      const db = openDatabase(path.join(t.dir, 'studio.db'))
      new DatasetsRepo(db).upsert(dataset)
      const models = new ModelsRepo(db)
      const v = (hash: string) => ({ spec: { h: hash }, hash, totalParams: 10, layerCount: 3, note: '', createdAt: 5 })
      const { model } = models.create({ id: 'm1', name: 'Net', description: '' }, v('a'))
      expect(model).toMatchObject({ id: 'm1', latestVersion: 1, versionCount: 1, runCount: 0, totalParams: 10 })
      expect(models.addVersion('m1', v('b')).version).toBe(2)
      expect(models.findByHash('a')).toMatchObject({ modelId: 'm1', version: 1 })
      const runs = new RunsRepo(db)
      runs.create({ id: 'r1', name: 'r', config, model: 'g', runDir: '/r', createdAt: 1, modelId: 'm1', modelVersion: 2 })
      expect(models.version('m1', 2)!.runCount).toBe(1)
      expect(models.get('m1')!.runCount).toBe(1)
      expect(runs.modelUse('m1')).toEqual({ total: 1, active: 1 })
      expect(() => db.prepare(`UPDATE runs SET model_id = 'zz' WHERE id = 'r1'`).run()).toThrow(/FOREIGN KEY/)
      // resumeFrom's truncation keeps a checkpoint a fork started from (marked deleted), deletes the rest
      const cps = new CheckpointsRepo(db)
      const add = (epoch: number) => cps.add({ runId: 'r1', epoch, step: epoch * 10 - 1, path: `/r/e${epoch}`, bytes: 1, metrics: { loss: 1 / epoch }, createdAt: epoch }, { metric: 'loss', mode: 'min' })
      const [c1, c2, c3] = [add(1), add(2), add(3)]
      runs.create({ id: 'fork', name: 'f', config, model: 'g', runDir: '/f', createdAt: 2, parentRunId: 'r1', parentCheckpointId: c2.id })
      expect(cps.truncateAfter('r1', c1.step, c1.id, 50)).toEqual(['/r/e2', '/r/e3'])
      expect(cps.list('r1').map((c) => [c.id, c.deleted, c.isLast])).toEqual([[c1.id, false, true], [c2.id, true, false]])
      expect(cps.get(c3.id)).toBeUndefined()
      models.markDeleted('m1', 9)
      expect(models.list()).toEqual([])
      expect(models.findByHash('a')).toBeUndefined()
      db.close()
    } finally {
      t.cleanup()
    }
  })
})
