/**
 * Metric points: (run, name, step, epoch, wall time, value). Written only in batches inside one
 * transaction; read back column-oriented per metric name for the charts. Names are interned in
 * `metric_names` and runs referenced by their integer `seq`, which keeps the insert path fast.
 */
import type { Statement } from 'better-sqlite3'
import type { MetricBatch, MetricSeries } from '../../preload/contract/types'
import type { StudioDb } from './db'

/** Rows per multi-row INSERT: amortizes the per-statement cost that dominates single-row inserts. */
const CHUNK = 128

/** SQLite stores NaN as NULL, which the NOT NULL column refuses: NaN is stored as this instead. */
export const NAN_SENTINEL = -1.7976931348623157e308

export class MetricsRepo {
  private readonly insertOne: Statement
  private readonly insertChunk: Statement
  private readonly runSeq: Statement
  private readonly nameIds = new Map<string, number>()
  private readonly insertTx: (runSeq: number, b: MetricBatch) => number

  constructor(private readonly db: StudioDb) {
    this.insertOne = db.prepare('INSERT INTO metrics (run_seq, name_id, step, epoch, wall_time, value) VALUES (?, ?, ?, ?, ?, ?)')
    const values = Array.from({ length: CHUNK }, () => '(?, ?, ?, ?, ?, ?)').join(', ')
    this.insertChunk = db.prepare(`INSERT INTO metrics (run_seq, name_id, step, epoch, wall_time, value) VALUES ${values}`)
    this.runSeq = db.prepare('SELECT seq FROM runs WHERE id = ?').pluck()
    for (const r of db.prepare('SELECT id, name FROM metric_names').all() as { id: number; name: string }[]) {
      this.nameIds.set(r.name, r.id)
    }
    this.insertTx = db.transaction((seq: number, b: MetricBatch) => this.insertRows(seq, b))
  }

  private nameId(name: string): number {
    let id = this.nameIds.get(name)
    if (id === undefined) {
      this.db.prepare('INSERT OR IGNORE INTO metric_names (name) VALUES (?)').run(name)
      id = this.db.prepare('SELECT id FROM metric_names WHERE name = ?').pluck().get(name) as number
      this.nameIds.set(name, id)
    }
    return id
  }

  private insertRows(seq: number, b: MetricBatch): number {
    const n = b.value.length
    const params: unknown[] = new Array(CHUNK * 6)
    let lastName = ''
    let lastId = -1
    const idOf = (name: string): number => {
      if (name !== lastName) { lastName = name; lastId = this.nameId(name) }
      return lastId
    }
    let i = 0
    for (; i + CHUNK <= n; i += CHUNK) {
      for (let j = 0; j < CHUNK; j++) {
        const k = i + j
        const o = j * 6
        params[o] = seq
        params[o + 1] = idOf(b.name[k]!)
        params[o + 2] = b.step[k]
        params[o + 3] = b.epoch[k]
        params[o + 4] = b.wallTime[k]
        params[o + 5] = storable(b.value[k]!)
      }
      this.insertChunk.run(params)
    }
    for (; i < n; i++) {
      this.insertOne.run(seq, idOf(b.name[i]!), b.step[i], b.epoch[i], b.wallTime[i], storable(b.value[i]!))
    }
    return n
  }

  /**
   * Inserts a batch in one transaction: all of it or none. Throws when the run does not exist or the
   * columns have different lengths (nothing is written then).
   */
  append(runId: string, batch: MetricBatch): number {
    const n = batch.value.length
    if (n === 0) return 0
    if (batch.name.length !== n || batch.step.length !== n || batch.epoch.length !== n || batch.wallTime.length !== n) {
      throw new Error(`metric batch for run ${runId}: columns have different lengths`)
    }
    const seq = this.runSeq.get(runId) as number | undefined
    if (seq === undefined) throw new Error(`metric batch for unknown run ${runId}`)
    return this.insertTx(seq, batch)
  }

  /**
   * Reads metrics of one run grouped by name, ordered by step. `names` limits the names;
   * `afterStep` returns only points with a larger step (incremental refresh).
   */
  series(runId: string, names?: string[], afterStep = -1): Record<string, MetricSeries> {
    const rows = this.db.prepare(
      `SELECT n.name, m.step, m.epoch, m.wall_time, m.value
       FROM metrics m JOIN runs r ON r.seq = m.run_seq JOIN metric_names n ON n.id = m.name_id
       WHERE r.id = ? AND m.step > ? ORDER BY m.name_id, m.step, m.rowid`
    ).raw(true).all(runId, afterStep) as [string, number, number, number, number][]
    const wanted = names && names.length ? new Set(names) : null
    const out: Record<string, MetricSeries> = {}
    for (const [name, step, epoch, wallTime, value] of rows) {
      if (wanted && !wanted.has(name)) continue
      let s = out[name]
      if (!s) out[name] = s = { step: [], epoch: [], wallTime: [], value: [] }
      s.step.push(step)
      s.epoch.push(epoch)
      s.wallTime.push(wallTime)
      s.value.push(value === NAN_SENTINEL ? NaN : value)
    }
    return out
  }

  /**
   * Deletes a run's points with step > `step` (runs:resumeFrom: the abandoned tail after the
   * checkpoint it continues from is superseded by the new points). Returns how many went.
   */
  deleteAfter(runId: string, step: number): number {
    const seq = this.runSeq.get(runId) as number | undefined
    if (seq === undefined) return 0
    return this.db.prepare('DELETE FROM metrics WHERE run_seq = ? AND step > ?').run(seq, step).changes
  }

  /** Number of stored points of a run (all names). */
  count(runId: string): number {
    return this.db.prepare('SELECT count(*) FROM metrics m JOIN runs r ON r.seq = m.run_seq WHERE r.id = ?')
      .pluck().get(runId) as number
  }
}

function storable(v: number): number {
  return Number.isNaN(v) ? NAN_SENTINEL : v
}
