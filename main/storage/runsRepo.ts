/** Runs: configuration, lifecycle status, backend and summary figures. Never deleted implicitly. */
import type { BackendInfo, RunConfig, RunStatus, RunSummary } from '../../preload/contract/types'
import type { StudioDb } from './db'

/** A run as main needs it: the summary plus its configuration, folder and backend details. */
export interface RunRecord extends RunSummary {
  config: RunConfig
  runDir: string
  backendInfo: BackendInfo | null
  paramCount: number | null
  steps: number
  parentRunId: string | null
}

interface Row {
  id: string; name: string; dataset_id: string; dataset_name: string | null; parent_run_id: string | null
  config: string; model: string; status: RunStatus; backend: string | null; backend_info: string | null
  param_count: number | null; run_dir: string; epochs: number; epochs_done: number; steps: number
  best_val_acc: number | null; best_val_loss: number | null; error: string | null
  created_at: number; started_at: number | null; ended_at: number | null
}

const SELECT = `SELECT r.*, d.name AS dataset_name FROM runs r LEFT JOIN datasets d ON d.id = r.dataset_id`

function fromRow(r: Row): RunRecord {
  return {
    id: r.id, name: r.name, datasetId: r.dataset_id, datasetName: r.dataset_name ?? r.dataset_id,
    model: r.model, status: r.status, backend: r.backend, createdAt: r.created_at,
    startedAt: r.started_at, endedAt: r.ended_at, epochsDone: r.epochs_done, epochs: r.epochs,
    bestValAcc: r.best_val_acc, bestValLoss: r.best_val_loss, error: r.error,
    config: JSON.parse(r.config) as RunConfig, runDir: r.run_dir,
    backendInfo: r.backend_info ? JSON.parse(r.backend_info) as BackendInfo : null,
    paramCount: r.param_count, steps: r.steps, parentRunId: r.parent_run_id
  }
}

/** The public part of a run record. */
export function toRunSummary(r: RunRecord): RunSummary {
  return {
    id: r.id, name: r.name, datasetId: r.datasetId, datasetName: r.datasetName, model: r.model,
    status: r.status, backend: r.backend, createdAt: r.createdAt, startedAt: r.startedAt,
    endedAt: r.endedAt, epochsDone: r.epochsDone, epochs: r.epochs, bestValAcc: r.bestValAcc,
    bestValLoss: r.bestValLoss, error: r.error
  }
}

export interface NewRun {
  id: string
  name: string
  config: RunConfig
  model: string
  runDir: string
  createdAt: number
  parentRunId?: string
}

export class RunsRepo {
  constructor(private readonly db: StudioDb) {}

  /** Creates a run in state `queued`. */
  create(n: NewRun): RunRecord {
    this.db.prepare(`
      INSERT INTO runs (id, name, dataset_id, parent_run_id, config, model, status, run_dir, epochs, created_at)
      VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)`).run(n.id, n.name, n.config.datasetId,
      n.parentRunId ?? null, JSON.stringify(n.config), n.model, n.runDir, n.config.epochs, n.createdAt)
    return this.get(n.id)!
  }

  get(id: string): RunRecord | undefined {
    const r = this.db.prepare(`${SELECT} WHERE r.id = ?`).get(id) as Row | undefined
    return r ? fromRow(r) : undefined
  }

  /** All runs, newest first. */
  list(): RunRecord[] {
    return (this.db.prepare(`${SELECT} ORDER BY r.created_at DESC, r.seq DESC`).all() as Row[]).map(fromRow)
  }

  /** Runs left `running` or `queued` (after a crash of the app, these have no process any more). */
  listActive(): RunRecord[] {
    return (this.db.prepare(`${SELECT} WHERE r.status IN ('running', 'queued')`).all() as Row[]).map(fromRow)
  }

  markRunning(id: string, startedAt: number): void {
    this.db.prepare(`UPDATE runs SET status = 'running', started_at = ? WHERE id = ?`).run(startedAt, id)
  }

  setBackend(id: string, info: BackendInfo, paramCount: number): void {
    this.db.prepare('UPDATE runs SET backend = ?, backend_info = ?, param_count = ? WHERE id = ?')
      .run(info.name, JSON.stringify(info), paramCount, id)
  }

  /** Records progress from an epoch's metrics: epochs done, steps, and the best validation figures so far. */
  recordEpoch(id: string, epochsDone: number, steps: number, valAcc?: number, valLoss?: number): void {
    this.db.prepare(`
      UPDATE runs SET epochs_done = max(epochs_done, ?), steps = max(steps, ?),
        best_val_acc = CASE WHEN ? IS NULL THEN best_val_acc ELSE max(coalesce(best_val_acc, ?), ?) END,
        best_val_loss = CASE WHEN ? IS NULL THEN best_val_loss ELSE min(coalesce(best_val_loss, ?), ?) END
      WHERE id = ?`).run(epochsDone, steps,
      fin(valAcc), fin(valAcc), fin(valAcc), fin(valLoss), fin(valLoss), fin(valLoss), id)
  }

  /** Ends a run. Only a run that has not ended yet changes: a finished run is immutable. */
  finish(id: string, status: 'completed' | 'stopped' | 'failed', endedAt: number, error: string | null = null): boolean {
    const r = this.db.prepare(`
      UPDATE runs SET status = ?, ended_at = ?, error = ? WHERE id = ? AND status IN ('queued', 'running')`)
      .run(status, endedAt, error, id)
    return r.changes === 1
  }

  rename(id: string, name: string): void {
    this.db.prepare('UPDATE runs SET name = ? WHERE id = ?').run(name, id)
  }
}

function fin(v: number | undefined): number | null {
  return v === undefined || !Number.isFinite(v) ? null : v
}
