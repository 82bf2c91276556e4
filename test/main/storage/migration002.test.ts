/** 002 — dataset versions: a version-1 file upgrades in place, keeping its datasets and runs. */
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase, schemaVersion } from '../../../main/storage/db'
import { MIGRATIONS } from '../../../main/storage/migrations/index'
import { DatasetsRepo } from '../../../main/storage/datasetsRepo'
import { tempDir } from '../../helpers/tmp'

const record = (id: string, extra: Partial<Parameters<DatasetsRepo['upsert']>[0]> = {}) => ({
  id, name: id, description: '', source: 's', task: 'classification' as const, inputShape: [2], numClasses: 2, classNames: ['a', 'b'],
  trainSize: 8, valSize: 2, bytes: 80, isSample: false, createdAt: 1, suggested: { template: 'mlp' as const }, dir: `/d/${id}`, sha256: 'h', ...extra
})

describe('migration 002 (dataset versions)', () => {
  it('upgrades a version-1 database: old rows become version 1 of their own family', () => {
    const t = tempDir()
    try {
      const file = path.join(t.dir, 'studio.db')
      const v1 = openDatabase(file, { migrations: MIGRATIONS.slice(0, 1) })
      new DatasetsRepo(v1).upsert(record('old'))
      // This build's RunsRepo writes later columns (003): a version-1 row is inserted by hand.
      v1.prepare(`INSERT INTO runs (id, name, dataset_id, config, model, status, run_dir, epochs, created_at)
        VALUES ('r1', 'r', 'old', ?, 'm', 'queued', '/r', 1, 1)`).run(JSON.stringify(
        { datasetId: 'old', model: { template: 'mlp' }, optimizer: 'adam', learningRate: 0.1, batchSize: 1, epochs: 1, seed: 0, backend: 'auto' }))
      v1.close()
      const db = openDatabase(file)
      expect(schemaVersion(db)).toBeGreaterThanOrEqual(2)
      const repo = new DatasetsRepo(db)
      expect(repo.get('old')).toMatchObject({ version: 1, familyId: 'old', testSize: 0, deletedAt: null, sourceKey: null })
      expect(repo.runUse('old')).toEqual({ total: 1, active: 1 })
      // a second version hides the first from the list; a tombstone hides itself
      repo.insertImported(record('new', { createdAt: 2 }), { format: 'csv', version: 2, familyId: 'old', sourceKey: 'k', testSize: 1 })
      expect(repo.list().map((d) => d.id)).toEqual(['new'])
      expect(repo.versions('old').map((d) => d.id)).toEqual(['old', 'new'])
      expect(repo.findBySourceKey('k')!.id).toBe('new')
      repo.markDeleted('new', 3)
      expect(repo.list().map((d) => d.id)).toEqual(['old'])
      expect(repo.findBySourceKey('k')).toBeUndefined()
      db.close()
    } finally {
      t.cleanup()
    }
  })
})
