/**
 * Saved composer models and their versions (issue 4). A version row is immutable once written;
 * a model that runs trained is tombstoned (`deleted_at`) instead of deleted, so runs keep pointing
 * at the exact version they trained.
 */
import type { ModelSummary, ModelVersionInfo } from '../../preload/contract/types'
import type { StudioDb } from './db'

interface ModelRow {
  id: string; name: string; description: string; created_at: number; updated_at: number; deleted_at: number | null
  latest_version: number | null; version_count: number; layer_count: number | null; total_params: number | null; run_count: number
}
interface VersionRow {
  model_id: string; version: number; spec: string; hash: string; total_params: number; layer_count: number
  note: string; created_at: number; run_count: number
}

const MODEL_SELECT = `
  SELECT m.*, (SELECT max(version) FROM model_versions v WHERE v.model_id = m.id) AS latest_version,
    (SELECT count(*) FROM model_versions v WHERE v.model_id = m.id) AS version_count,
    (SELECT v.layer_count FROM model_versions v WHERE v.model_id = m.id ORDER BY v.version DESC LIMIT 1) AS layer_count,
    (SELECT v.total_params FROM model_versions v WHERE v.model_id = m.id ORDER BY v.version DESC LIMIT 1) AS total_params,
    (SELECT count(*) FROM runs r WHERE r.model_id = m.id) AS run_count
  FROM models m`

const VERSION_SELECT = `
  SELECT v.*, (SELECT count(*) FROM runs r WHERE r.model_id = v.model_id AND r.model_version = v.version) AS run_count
  FROM model_versions v`

function toSummary(r: ModelRow): ModelSummary {
  return {
    id: r.id, name: r.name, description: r.description, latestVersion: r.latest_version ?? 0,
    versionCount: r.version_count, layerCount: r.layer_count ?? 0, totalParams: r.total_params ?? 0,
    createdAt: r.created_at, updatedAt: r.updated_at, runCount: r.run_count
  }
}

function toVersion(r: VersionRow): ModelVersionInfo {
  return {
    modelId: r.model_id, version: r.version, hash: r.hash, note: r.note, createdAt: r.created_at,
    spec: JSON.parse(r.spec) as unknown, totalParams: r.total_params, runCount: r.run_count
  }
}

/** A model as main sees it: the summary plus its tombstone. */
export interface ModelRecord extends ModelSummary { deletedAt: number | null }

/** What a new version holds. */
export interface NewVersion { spec: unknown; hash: string; totalParams: number; layerCount: number; note: string; createdAt: number }

export class ModelsRepo {
  constructor(private readonly db: StudioDb) {}

  /** Creates a model with its first version, in one transaction. */
  create(m: { id: string; name: string; description: string }, v: NewVersion): { model: ModelRecord; version: ModelVersionInfo } {
    return this.db.transaction(() => {
      this.db.prepare('INSERT INTO models (id, name, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
        .run(m.id, m.name, m.description, v.createdAt, v.createdAt)
      this.insertVersion(m.id, 1, v)
      return { model: this.get(m.id)!, version: this.version(m.id, 1)! }
    })()
  }

  /** Appends version latest+1 (and bumps updated_at, optionally the name/description). */
  addVersion(modelId: string, v: NewVersion, rename?: { name?: string; description?: string }): ModelVersionInfo {
    return this.db.transaction(() => {
      const latest = (this.db.prepare('SELECT max(version) FROM model_versions WHERE model_id = ?').pluck().get(modelId) as number | null) ?? 0
      this.insertVersion(modelId, latest + 1, v)
      this.touch(modelId, v.createdAt, rename)
      return this.version(modelId, latest + 1)!
    })()
  }

  /** Bumps updated_at and applies a rename / new description. */
  touch(modelId: string, at: number, rename?: { name?: string; description?: string }): void {
    this.db.prepare('UPDATE models SET updated_at = ?, name = coalesce(?, name), description = coalesce(?, description) WHERE id = ?')
      .run(at, rename?.name ?? null, rename?.description ?? null, modelId)
  }

  private insertVersion(modelId: string, version: number, v: NewVersion): void {
    this.db.prepare(`INSERT INTO model_versions (model_id, version, spec, hash, total_params, layer_count, note, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(modelId, version, JSON.stringify(v.spec), v.hash, v.totalParams, v.layerCount, v.note, v.createdAt)
  }

  get(id: string): ModelRecord | undefined {
    const r = this.db.prepare(`${MODEL_SELECT} WHERE m.id = ?`).get(id) as ModelRow | undefined
    return r ? { ...toSummary(r), deletedAt: r.deleted_at } : undefined
  }

  /** Models that are not tombstoned, most recently updated first. */
  list(): ModelSummary[] {
    return (this.db.prepare(`${MODEL_SELECT} WHERE m.deleted_at IS NULL ORDER BY m.updated_at DESC, m.id`).all() as ModelRow[]).map(toSummary)
  }

  version(modelId: string, version: number): ModelVersionInfo | undefined {
    const r = this.db.prepare(`${VERSION_SELECT} WHERE v.model_id = ? AND v.version = ?`).get(modelId, version) as VersionRow | undefined
    return r ? toVersion(r) : undefined
  }

  latest(modelId: string): ModelVersionInfo | undefined {
    const r = this.db.prepare(`${VERSION_SELECT} WHERE v.model_id = ? ORDER BY v.version DESC LIMIT 1`).get(modelId) as VersionRow | undefined
    return r ? toVersion(r) : undefined
  }

  /** All versions of a model, newest first. */
  versions(modelId: string): ModelVersionInfo[] {
    return (this.db.prepare(`${VERSION_SELECT} WHERE v.model_id = ? ORDER BY v.version DESC`).all(modelId) as VersionRow[]).map(toVersion)
  }

  /** The newest version (of a live model) whose spec has this hash. */
  findByHash(hash: string): ModelVersionInfo | undefined {
    const r = this.db.prepare(`${VERSION_SELECT} JOIN models m ON m.id = v.model_id
      WHERE v.hash = ? AND m.deleted_at IS NULL ORDER BY v.created_at DESC LIMIT 1`).get(hash) as VersionRow | undefined
    return r ? toVersion(r) : undefined
  }

  /** Removes a model no run references, with its versions. */
  delete(modelId: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM model_versions WHERE model_id = ?').run(modelId)
      this.db.prepare('DELETE FROM models WHERE id = ?').run(modelId)
    })()
  }

  /** Hides a model that runs reference (its versions stay for them). */
  markDeleted(modelId: string, at: number): void {
    this.db.prepare('UPDATE models SET deleted_at = ? WHERE id = ?').run(at, modelId)
  }
}
