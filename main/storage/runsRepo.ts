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
  parentCheckpointId: number | null
  modelId: string | null
  modelVersion: number | null
  resumeCount: number
  divergedAtStep: number | null
}

interface Row {
  id: string; name: string; dataset_id: string; dataset_name: string | null; parent_run_id: string | null
  config: string; model: string; status: RunStatus; backend: string | null; backend_info: string | null
  param_count: number | null; run_dir: string; epochs: number; epochs_done: number; steps: number
  best_val_acc: number | null; best_val_loss: number | null; error: string | null
  created_at: number; started_at: number | null; ended_at: number | null
  model_id: string | null; model_version: number | null; parent_checkpoint_id: number | null
  resume_count: number; diverged_at_step: number | null
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
    paramCount: r.param_count, steps: r.steps, parentRunId: r.parent_run_id,
    parentCheckpointId: r.parent_checkpoint_id, modelId: r.model_id, modelVersion: r.model_version,
    resumeCount: r.resume_count, divergedAtStep: r.diverged_at_step
  }
}

/** The public part of a run record. */
export function toRunSummary(r: RunRecord): RunSummary {
  return {
    id: r.id, name: r.name, datasetId: r.datasetId, datasetName: r.datasetName, model: r.model,
    status: r.status, backend: r.backend, createdAt: r.createdAt, startedAt: r.startedAt,
    endedAt: r.endedAt, epochsDone: r.epochsDone, epochs: r.epochs, bestValAcc: r.bestValAcc,
    bestValLoss: r.bestValLoss, error: r.error, parentRunId: r.parentRunId,
    parentCheckpointId: r.parentCheckpointId, modelId: r.modelId, modelVersion: r.modelVersion,
    resumeCount: r.resumeCount, divergedAtStep: r.divergedAtStep
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
  /** Fork: the checkpoint whose weights the run starts from. */
  parentCheckpointId?: number
  /** The saved model version a graph run trains. */
  modelId?: string
  modelVersion?: number
}

export class RunsRepo {
  constructor(private readonly db: StudioDb) {}

  /** Creates a run in state `queued`. */
  create(n: NewRun): RunRecord {
    this.db.prepare(`
      INSERT INTO runs (id, name, dataset_id, parent_run_id, config, model, status, run_dir, epochs, created_at,
        parent_checkpoint_id, model_id, model_version)
      VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?)`).run(n.id, n.name, n.config.datasetId,
      n.parentRunId ?? null, JSON.stringify(n.config), n.model, n.runDir, n.config.epochs, n.createdAt,
      n.parentCheckpointId ?? null, n.modelId ?? null, n.modelVersion ?? null)
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

  /** Runs left `running`, `paused` or `queued` (after a crash of the app, these have no process any more). */
  listActive(): RunRecord[] {
    return (this.db.prepare(`${SELECT} WHERE r.status IN ('running', 'paused', 'queued')`).all() as Row[]).map(fromRow)
  }

  /** Runs forked from `runId` (children in the fork tree). */
  listChildren(runId: string): RunRecord[] {
    return (this.db.prepare(`${SELECT} WHERE r.parent_run_id = ? ORDER BY r.created_at`).all(runId) as Row[]).map(fromRow)
  }

  /** Runs that trained any version of a saved model (`active`: queued, running or paused). */
  modelUse(modelId: string): { total: number; active: number } {
    return this.db.prepare(`SELECT COUNT(*) AS total, COALESCE(SUM(status IN ('queued', 'running', 'paused')), 0) AS active
      FROM runs WHERE model_id = ?`).get(modelId) as { total: number; active: number }
  }

  /** Switches a live run between `running` and `paused`; false when the run was in neither state. */
  setPaused(id: string, paused: boolean): boolean {
    return this.db.prepare(`UPDATE runs SET status = ? WHERE id = ? AND status = ?`)
      .run(paused ? 'paused' : 'running', id, paused ? 'running' : 'paused').changes === 1
  }

  /**
   * Reopens an ended run to continue it from a checkpoint (runs:resumeFrom): status running,
   * counters back to the checkpoint's, end and error cleared, resume_count + 1. The best figures
   * are recomputed by the caller from the checkpoints that remain.
   */
  reopen(id: string, at: { epochsDone: number; steps: number; bestValAcc: number | null; bestValLoss: number | null }, now: number): boolean {
    return this.db.prepare(`
      UPDATE runs SET status = 'running', ended_at = NULL, error = NULL, diverged_at_step = NULL, epochs_done = ?, steps = ?,
        best_val_acc = ?, best_val_loss = ?, resume_count = resume_count + 1, started_at = coalesce(started_at, ?)
      WHERE id = ? AND status NOT IN ('queued', 'running', 'paused')`)
      .run(at.epochsDone, at.steps, at.bestValAcc, at.bestValLoss, now, id).changes === 1
  }

  /** Records the saved model version a run trains (set before the trainer starts). */
  setModelVersion(id: string, modelId: string, version: number): void {
    this.db.prepare('UPDATE runs SET model_id = ?, model_version = ? WHERE id = ?').run(modelId, version, id)
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
  finish(id: string, status: 'completed' | 'stopped' | 'failed' | 'diverged', endedAt: number, error: string | null = null, divergedAtStep: number | null = null): boolean {
    const r = this.db.prepare(`
      UPDATE runs SET status = ?, ended_at = ?, error = ?, diverged_at_step = ? WHERE id = ? AND status IN ('queued', 'running', 'paused')`)
      .run(status, endedAt, error, divergedAtStep, id)
    return r.changes === 1
  }

  rename(id: string, name: string): void {
    this.db.prepare('UPDATE runs SET name = ? WHERE id = ?').run(name, id)
  }
}

function fin(v: number | undefined): number | null {
  return v === undefined || !Number.isFinite(v) ? null : v
}
