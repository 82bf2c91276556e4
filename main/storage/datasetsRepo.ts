/** Registered datasets: metadata and the folder of their tensor cache. */
import type { DatasetSummary, ModelSpec } from '../../preload/contract/types'
import type { StudioDb } from './db'

/** A dataset row as main needs it: the summary plus where its cache lives. */
export interface DatasetRecord extends DatasetSummary {
  dir: string
  sha256: string
}

interface Row {
  id: string; name: string; description: string; source: string; task: 'classification' | 'regression'
  input_shape: string; num_classes: number; class_names: string; train_size: number; val_size: number
  bytes: number; dir: string; sha256: string; is_sample: number; suggested: string; created_at: number
}

function fromRow(r: Row): DatasetRecord {
  return {
    id: r.id, name: r.name, description: r.description, source: r.source, task: r.task,
    inputShape: JSON.parse(r.input_shape) as number[], numClasses: r.num_classes,
    classNames: JSON.parse(r.class_names) as string[], trainSize: r.train_size, valSize: r.val_size,
    bytes: r.bytes, isSample: r.is_sample === 1, createdAt: r.created_at,
    suggested: JSON.parse(r.suggested) as ModelSpec, dir: r.dir, sha256: r.sha256
  }
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

  /** All datasets, samples first, then newest first. */
  list(): DatasetRecord[] {
    return (this.db.prepare('SELECT * FROM datasets ORDER BY is_sample DESC, created_at DESC, name').all() as Row[]).map(fromRow)
  }

  get(id: string): DatasetRecord | undefined {
    const r = this.db.prepare('SELECT * FROM datasets WHERE id = ?').get(id) as Row | undefined
    return r ? fromRow(r) : undefined
  }
}

/** The public part of a record (no local paths or hashes cross to the renderer). */
export function toSummary(d: DatasetRecord): DatasetSummary {
  const { dir: _dir, sha256: _sha, ...summary } = d
  return summary
}
