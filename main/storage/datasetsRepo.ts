/** Registered datasets: metadata and the folder of their tensor cache. */
import type { DatasetFormat, DatasetSummary, ModelSpec } from '../../preload/contract/types'
import type { StudioDb } from './db'

/** A dataset row as main needs it: the summary plus where its cache lives. */
export interface DatasetRecord extends DatasetSummary {
  dir: string
  sha256: string
  /** Imported datasets: hash of source bytes + options (re-import of the same data reuses the row). */
  sourceKey?: string | null
  /** Set when deleted while runs still reference it (a hidden tombstone). */
  deletedAt?: number | null
}

interface Row {
  id: string; name: string; description: string; source: string; task: 'classification' | 'regression'
  input_shape: string; num_classes: number; class_names: string; train_size: number; val_size: number
  bytes: number; dir: string; sha256: string; is_sample: number; suggested: string; created_at: number
  format: string | null; version: number; family_id: string | null; source_key: string | null; test_size: number
  deleted_at: number | null
}

function fromRow(r: Row): DatasetRecord {
  return {
    id: r.id, name: r.name, description: r.description, source: r.source, task: r.task,
    inputShape: JSON.parse(r.input_shape) as number[], numClasses: r.num_classes,
    classNames: JSON.parse(r.class_names) as string[], trainSize: r.train_size, valSize: r.val_size,
    bytes: r.bytes, isSample: r.is_sample === 1, createdAt: r.created_at,
    suggested: JSON.parse(r.suggested) as ModelSpec, dir: r.dir, sha256: r.sha256,
    testSize: r.test_size ?? 0, version: r.version ?? 1, familyId: r.family_id ?? r.id,
    ...(r.format ? { format: r.format as DatasetFormat } : {}),
    sourceKey: r.source_key ?? null, deletedAt: r.deleted_at ?? null
  }
}

/** Fields of an imported version that the spine's upsert does not write. */
export interface ImportedFields {
  format: DatasetFormat
  version: number
  familyId: string
  sourceKey: string
  testSize: number
}

export class DatasetsRepo {
  constructor(private readonly db: StudioDb) {}

  /** Inserts or updates (by id) a dataset; keeps the original created_at on update. */
  upsert(d: DatasetRecord): void {
    this.db.prepare(`
      INSERT INTO datasets (id, name, description, source, task, input_shape, num_classes, class_names,
        train_size, val_size, bytes, dir, sha256, is_sample, suggested, created_at)
      VALUES (@id, @name, @description, @source, @task, @input_shape, @num_classes, @class_names,
        @train_size, @val_size, @bytes, @dir, @sha256, @is_sample, @suggested, @created_at)
      ON CONFLICT(id) DO UPDATE SET name = excluded.name, description = excluded.description,
        source = excluded.source, task = excluded.task, input_shape = excluded.input_shape,
        num_classes = excluded.num_classes, class_names = excluded.class_names,
        train_size = excluded.train_size, val_size = excluded.val_size, bytes = excluded.bytes,
        dir = excluded.dir, sha256 = excluded.sha256, is_sample = excluded.is_sample,
        suggested = excluded.suggested
    `).run({
      id: d.id, name: d.name, description: d.description, source: d.source, task: d.task,
      input_shape: JSON.stringify(d.inputShape), num_classes: d.numClasses,
      class_names: JSON.stringify(d.classNames), train_size: d.trainSize, val_size: d.valSize,
      bytes: d.bytes, dir: d.dir, sha256: d.sha256, is_sample: d.isSample ? 1 : 0,
      suggested: JSON.stringify(d.suggested), created_at: d.createdAt
    })
  }

  /**
   * Datasets to offer: samples first, then newest first; only the latest version of each dataset,
   * and no deleted ones (their tombstones stay for the runs that used them).
   */
  list(): DatasetRecord[] {
    return (this.db.prepare(`
      SELECT * FROM datasets d
      WHERE d.deleted_at IS NULL AND NOT EXISTS (
        SELECT 1 FROM datasets n WHERE COALESCE(n.family_id, n.id) = COALESCE(d.family_id, d.id) AND n.version > d.version AND n.deleted_at IS NULL)
      ORDER BY is_sample DESC, created_at DESC, name`).all() as Row[]).map(fromRow)
  }

  /** Inserts an imported dataset version (a new row; ids are never reused). */
  insertImported(d: DatasetRecord, x: ImportedFields): void {
    this.db.transaction(() => {
      this.upsert(d)
      this.db.prepare(`UPDATE datasets SET format = ?, version = ?, family_id = ?, source_key = ?, test_size = ? WHERE id = ?`)
        .run(x.format, x.version, x.familyId, x.sourceKey, x.testSize, d.id)
    })()
  }

  /** The live dataset imported from exactly this source and options, if any. */
  findBySourceKey(key: string): DatasetRecord | undefined {
    const r = this.db.prepare('SELECT * FROM datasets WHERE source_key = ? AND deleted_at IS NULL ORDER BY created_at DESC LIMIT 1').get(key) as Row | undefined
    return r ? fromRow(r) : undefined
  }

  /** Every version of a dataset's family (deleted ones included), oldest first. */
  versions(familyId: string): DatasetRecord[] {
    return (this.db.prepare('SELECT * FROM datasets WHERE COALESCE(family_id, id) = ? ORDER BY version').all(familyId) as Row[]).map(fromRow)
  }

  /** Renames / describes every version of a family (they are one dataset to people). */
  describe(familyId: string, fields: { name?: string; description?: string }): void {
    if (fields.name !== undefined) this.db.prepare('UPDATE datasets SET name = ? WHERE COALESCE(family_id, id) = ?').run(fields.name, familyId)
    if (fields.description !== undefined) this.db.prepare('UPDATE datasets SET description = ? WHERE COALESCE(family_id, id) = ?').run(fields.description, familyId)
  }

  /** Runs per dataset version, and how many of them are queued or running. */
  runUse(id: string): { total: number; active: number } {
    const r = this.db.prepare(`SELECT COUNT(*) AS total, COALESCE(SUM(status IN ('queued', 'running', 'paused')), 0) AS active FROM runs WHERE dataset_id = ?`).get(id) as { total: number; active: number }
    return { total: r.total, active: r.active }
  }

  /** Hides a version that runs still reference (its row stays so those runs keep their dataset). */
  markDeleted(id: string, at: number): void {
    this.db.prepare('UPDATE datasets SET deleted_at = ?, source_key = NULL WHERE id = ?').run(at, id)
  }

  /** Removes a version no run references. */
  remove(id: string): void {
    this.db.prepare('DELETE FROM datasets WHERE id = ?').run(id)
  }

  get(id: string): DatasetRecord | undefined {
    const r = this.db.prepare('SELECT * FROM datasets WHERE id = ?').get(id) as Row | undefined
    return r ? fromRow(r) : undefined
  }
}

/** The public part of a record (no local paths or hashes cross to the renderer). */
export function toSummary(d: DatasetRecord): DatasetSummary {
  const { dir: _dir, sha256: _sha, sourceKey: _key, deletedAt: _del, ...summary } = d
  return summary
}
