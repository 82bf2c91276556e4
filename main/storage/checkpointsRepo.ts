/** Checkpoint metadata; the weights themselves live as files in the run's folder. */
import type { CheckpointInfo } from '../../preload/contract/types'
import type { StudioDb } from './db'

interface Row {
  id: number; run_id: string; epoch: number; step: number; path: string; bytes: number
  metrics: string; is_best: number; is_last: number; created_at: number; deleted_at: number | null; optimizer: number
}

function fromRow(r: Row): CheckpointInfo {
  return {
    id: r.id, runId: r.run_id, epoch: r.epoch, step: r.step, path: r.path, bytes: r.bytes,
    metrics: JSON.parse(r.metrics) as Record<string, number>, isBest: r.is_best === 1,
    isLast: r.is_last === 1, createdAt: r.created_at, deleted: r.deleted_at !== null
  }
}

/** Which metric decides "best", and in which direction. */
export interface BestBy { metric: string; mode: 'min' | 'max' }

export class CheckpointsRepo {
  constructor(private readonly db: StudioDb) {}

  /**
   * Records a checkpoint and, in the same transaction, moves the `last` mark to it and the `best`
   * mark to whichever checkpoint of the run is best by `bestBy` (first one wins ties).
   */
  add(c: Omit<CheckpointInfo, 'id' | 'isBest' | 'isLast' | 'deleted'> & { optimizer?: boolean }, bestBy: BestBy): CheckpointInfo {
    return this.db.transaction(() => {
      this.db.prepare('UPDATE checkpoints SET is_last = 0 WHERE run_id = ? AND is_last = 1').run(c.runId)
      const id = Number(this.db.prepare(`
        INSERT INTO checkpoints (run_id, epoch, step, path, bytes, metrics, is_best, is_last, created_at, optimizer)
        VALUES (?, ?, ?, ?, ?, ?, 0, 1, ?, ?)`).run(c.runId, c.epoch, c.step, c.path, c.bytes,
        JSON.stringify(c.metrics), c.createdAt, c.optimizer ? 1 : 0).lastInsertRowid)
      this.remarkBest(c.runId, bestBy)
      return this.get(id)!
    })()
  }

  /** Moves the `best` mark to the best checkpoint among those whose files still exist. */
  remarkBest(runId: string, bestBy: BestBy): void {
    const rows = this.list(runId).filter((r) => !r.deleted)
    let best: CheckpointInfo | undefined
    for (const r of rows) {
      const v = r.metrics[bestBy.metric]
      if (v === undefined || !Number.isFinite(v)) continue
      const b = best?.metrics[bestBy.metric]
      if (best === undefined || b === undefined || (bestBy.mode === 'min' ? v < b : v > b)) best = r
    }
    best ??= rows[rows.length - 1]
    this.db.prepare('UPDATE checkpoints SET is_best = CASE WHEN id = ? THEN 1 ELSE 0 END WHERE run_id = ?')
      .run(best?.id ?? -1, runId)
  }

  get(id: number): CheckpointInfo | undefined {
    const r = this.db.prepare('SELECT * FROM checkpoints WHERE id = ?').get(id) as Row | undefined
    return r ? fromRow(r) : undefined
  }

  /** Whether the checkpoint's folder holds optimizer state (written by the issue-4 trainer). */
  hasOptimizer(id: number): boolean {
    const r = this.db.prepare('SELECT optimizer FROM checkpoints WHERE id = ?').get(id) as { optimizer: number } | undefined
    return r?.optimizer === 1
  }

  /** Marks checkpoints whose files were removed (retention policy, or superseded by runs:resumeFrom). */
  markDeleted(ids: readonly number[], at: number): void {
    const stmt = this.db.prepare('UPDATE checkpoints SET deleted_at = ?, is_best = 0, is_last = 0 WHERE id = ? AND deleted_at IS NULL')
    this.db.transaction(() => { for (const id of ids) stmt.run(at, id) })()
  }

  /**
   * runs:resumeFrom: checkpoints after `step` belong to the abandoned tail. Their rows are
   * deleted (the continued run writes new ones for the same epochs), except those a fork started
   * from, which stay marked deleted; `keepId` becomes `last`.
   * Returns the folders of the removed rows so the caller can delete them.
   */
  truncateAfter(runId: string, step: number, keepId: number, now = Date.now()): string[] {
    return this.db.transaction(() => {
      const gone = (this.db.prepare('SELECT path FROM checkpoints WHERE run_id = ? AND step > ? AND deleted_at IS NULL').all(runId, step) as { path: string }[]).map((r) => r.path)
      // A checkpoint a fork started from keeps its row (marked deleted) so the fork's link holds.
      const forked = 'id IN (SELECT parent_checkpoint_id FROM runs WHERE parent_checkpoint_id IS NOT NULL)'
      this.db.prepare(`UPDATE checkpoints SET deleted_at = coalesce(deleted_at, ?), is_best = 0, is_last = 0 WHERE run_id = ? AND step > ? AND ${forked}`).run(now, runId, step)
      this.db.prepare(`DELETE FROM checkpoints WHERE run_id = ? AND step > ? AND NOT ${forked}`).run(runId, step)
      this.db.prepare('UPDATE checkpoints SET is_last = CASE WHEN id = ? THEN 1 ELSE 0 END WHERE run_id = ?').run(keepId, runId)
      return gone
    })()
  }

  /** Checkpoints of a run in epoch order. */
  list(runId: string): CheckpointInfo[] {
    return (this.db.prepare('SELECT * FROM checkpoints WHERE run_id = ? ORDER BY epoch, id').all(runId) as Row[]).map(fromRow)
  }
}
