/**
 * HPO studies and trials on SQLite (migration 004): the app's {@link StudyStorage}. Passes the
 * same `runStorageContract` as the in-memory storage (test/main/hpo/studiesRepo.test.ts).
 *
 * The study settings the coordinator keeps as attributes have their own columns (so the file is
 * readable with the sqlite3 shell); other attributes go to the `attrs` JSON column. A trial's
 * `failReason` attribute is its `error` column, `heartbeat` its `heartbeat` column; the run link
 * is `run_id` (set with {@link StudiesRepo.setRunId}, read back as the `runId` attribute).
 * Every write runs in its own statement or transaction, so a crash leaves either the old or the
 * new state.
 */
import { randomBytes } from 'node:crypto'
import type { Params, SearchSpace } from '../hpo/space'
import {
  FINISHED_STATES, type Direction, type JsonValue, type StudyRecord, type StudyStorage, type Trial, type TrialFinish,
  type TrialInit, type TrialState
} from '../hpo/types'
import type { StudioDb } from './db'

type ColumnKind = 'json' | 'text' | 'int'
/** Study attribute → column. */
const STUDY_COLUMNS: Record<string, { col: string; kind: ColumnKind }> = {
  sampler: { col: 'sampler', kind: 'json' },
  pruner: { col: 'pruner', kind: 'json' },
  objective: { col: 'objective_metric', kind: 'text' },
  budgetTrials: { col: 'budget_trials', kind: 'int' },
  budgetWallMs: { col: 'budget_wall_ms', kind: 'int' },
  parallelism: { col: 'parallelism', kind: 'int' },
  retry: { col: 'retry', kind: 'json' },
  seed: { col: 'seed', kind: 'int' },
  baseConfig: { col: 'base_config', kind: 'json' },
  state: { col: 'state', kind: 'text' }
}
/** Trial attribute → column. */
const TRIAL_COLUMNS: Record<string, { col: string; kind: ColumnKind }> = {
  failReason: { col: 'error', kind: 'text' },
  heartbeat: { col: 'heartbeat', kind: 'int' }
}

function fits(kind: ColumnKind, v: JsonValue): boolean {
  if (kind === 'json') return true
  if (kind === 'text') return typeof v === 'string'
  return typeof v === 'number' && Number.isFinite(v)
}
function toColumn(kind: ColumnKind, v: JsonValue): string | number | null {
  return kind === 'json' ? JSON.stringify(v) : (v as string | number)
}
function fromColumn(kind: ColumnKind, v: unknown): JsonValue {
  return kind === 'json' ? (JSON.parse(v as string) as JsonValue) : (v as JsonValue)
}

interface StudyRow {
  id: string; name: string; direction: Direction; space: string; attrs: string; created_at: number
  [col: string]: unknown
}
interface TrialRow {
  study_id: string; number: number; state: TrialState; params: string; value: number | null; run_id: string | null
  worker: string | null; heartbeat: number | null; started_at: number | null; ended_at: number | null; error: string | null; attrs: string
}

function newStudyId(now = Date.now()): string {
  return `s-${now.toString(36)}-${randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 6).toLowerCase()}`
}

export class StudiesRepo implements StudyStorage {
  constructor(private readonly db: StudioDb) {}

  createStudy(init: { name: string; direction: Direction; space: SearchSpace; attrs?: Record<string, JsonValue>; now: number }): StudyRecord {
    const id = newStudyId(init.now)
    const cols: Record<string, string | number | null> = {}
    const rest: Record<string, JsonValue> = {}
    for (const [k, v] of Object.entries(init.attrs ?? {})) {
      const c = STUDY_COLUMNS[k]
      if (c && fits(c.kind, v)) cols[c.col] = toColumn(c.kind, v)
      else rest[k] = v
    }
    const names = ['id', 'name', 'direction', 'space', 'attrs', 'created_at', ...Object.keys(cols)]
    this.db.prepare(`INSERT INTO studies (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`)
      .run(id, init.name, init.direction, JSON.stringify(init.space), JSON.stringify(rest), init.now, ...Object.values(cols))
    return this.getStudy(id) as StudyRecord
  }

  getStudy(studyId: string): StudyRecord | undefined {
    const r = this.db.prepare('SELECT * FROM studies WHERE id = ?').get(studyId) as StudyRow | undefined
    return r && this.studyFromRow(r)
  }

  listStudies(): StudyRecord[] {
    return (this.db.prepare('SELECT * FROM studies ORDER BY created_at, rowid').all() as StudyRow[]).map((r) => this.studyFromRow(r))
  }

  setStudyAttr(studyId: string, key: string, value: JsonValue): void {
    this.db.transaction(() => {
      const r = this.db.prepare('SELECT attrs FROM studies WHERE id = ?').get(studyId) as { attrs: string } | undefined
      if (!r) throw new Error(`unknown study ${studyId}`)
      const attrs = JSON.parse(r.attrs) as Record<string, JsonValue>
      const c = STUDY_COLUMNS[key]
      if (c && fits(c.kind, value)) {
        delete attrs[key]
        this.db.prepare(`UPDATE studies SET ${c.col} = ?, attrs = ? WHERE id = ?`).run(toColumn(c.kind, value), JSON.stringify(attrs), studyId)
      } else {
        attrs[key] = value
        this.db.prepare(`UPDATE studies SET ${c ? `${c.col} = NULL, ` : ''}attrs = ? WHERE id = ?`).run(JSON.stringify(attrs), studyId)
      }
    })()
  }

  /** Deletes a study with its trials and their values (runs stay). */
  deleteStudy(studyId: string): boolean {
    return this.db.prepare('DELETE FROM studies WHERE id = ?').run(studyId).changes > 0
  }

  createTrial(studyId: string, init: TrialInit): Trial {
    return this.db.transaction(() => {
      this.requireStudy(studyId)
      const n = (this.db.prepare('SELECT COUNT(*) AS n FROM trials WHERE study_id = ?').get(studyId) as { n: number }).n
      const cols: Record<string, string | number | null> = {}
      const rest: Record<string, JsonValue> = {}
      for (const [k, v] of Object.entries(init.attrs ?? {})) {
        const c = TRIAL_COLUMNS[k]
        if (c && fits(c.kind, v)) cols[c.col] = toColumn(c.kind, v)
        else rest[k] = v
      }
      const names = ['study_id', 'number', 'state', 'params', 'worker', 'started_at', 'attrs', ...Object.keys(cols)]
      this.db.prepare(`INSERT INTO trials (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`).run(
        studyId, n, init.state, JSON.stringify(init.params), init.worker ?? null, init.state === 'running' ? init.now : null,
        JSON.stringify(rest), ...Object.values(cols))
      return this.getTrial(studyId, n) as Trial
    })()
  }

  claimWaitingTrial(studyId: string, worker: string | undefined, now: number): Trial | undefined {
    return this.db.transaction(() => {
      this.requireStudy(studyId)
      const r = this.db.prepare(`SELECT number FROM trials WHERE study_id = ? AND state = 'waiting' ORDER BY number LIMIT 1`).get(studyId) as { number: number } | undefined
      if (!r) return undefined
      this.db.prepare(`UPDATE trials SET state = 'running', started_at = ?, worker = COALESCE(?, worker) WHERE study_id = ? AND number = ?`)
        .run(now, worker ?? null, studyId, r.number)
      return this.getTrial(studyId, r.number)
    })()
  }

  reportIntermediate(studyId: string, number: number, step: number, value: number): void {
    this.db.transaction(() => {
      const t = this.mutableRow(studyId, number)
      if (t.state !== 'running') throw new Error(`trial ${number} is ${t.state}; intermediate values are reported only while running`)
      if (!Number.isInteger(step) || step < 0) throw new Error(`step ${step} must be a non-negative integer`)
      this.db.prepare('INSERT OR IGNORE INTO trial_values (study_id, number, step, value) VALUES (?, ?, ?, ?)').run(studyId, number, step, value)
    })()
  }

  setTrialAttr(studyId: string, number: number, key: string, value: JsonValue): void {
    this.db.transaction(() => {
      const t = this.mutableRow(studyId, number)
      const attrs = JSON.parse(t.attrs) as Record<string, JsonValue>
      const c = TRIAL_COLUMNS[key]
      if (c && fits(c.kind, value)) {
        delete attrs[key]
        this.db.prepare(`UPDATE trials SET ${c.col} = ?, attrs = ? WHERE study_id = ? AND number = ?`).run(toColumn(c.kind, value), JSON.stringify(attrs), studyId, number)
      } else {
        attrs[key] = value
        this.db.prepare(`UPDATE trials SET ${c ? `${c.col} = NULL, ` : ''}attrs = ? WHERE study_id = ? AND number = ?`).run(JSON.stringify(attrs), studyId, number)
      }
    })()
  }

  /** Links a trial to the run that evaluates it (any state but finished). */
  setRunId(studyId: string, number: number, runId: string): void {
    this.db.transaction(() => {
      this.mutableRow(studyId, number)
      this.db.prepare('UPDATE trials SET run_id = ? WHERE study_id = ? AND number = ?').run(runId, studyId, number)
    })()
  }

  /**
   * Marks a trial's run `pruned` once its trainer stopped (status `stopped`); other statuses are
   * left alone. Returns whether it changed.
   */
  markRunPruned(runId: string): boolean {
    return this.db.prepare(`UPDATE runs SET status = 'pruned' WHERE id = ? AND status = 'stopped'`).run(runId).changes > 0
  }

  /** The study and trial a run evaluates, if any. */
  trialOfRun(runId: string): { studyId: string; number: number } | undefined {
    const r = this.db.prepare('SELECT study_id, number FROM trials WHERE run_id = ?').get(runId) as { study_id: string; number: number } | undefined
    return r && { studyId: r.study_id, number: r.number }
  }

  finishTrial(studyId: string, number: number, finish: TrialFinish): Trial {
    return this.db.transaction(() => {
      const t = this.mutableRow(studyId, number)
      if (t.state === 'waiting' && finish.state !== 'failed') throw new Error(`trial ${number} is waiting; only 'failed' can end it before it runs`)
      if (finish.state === 'complete' && !(typeof finish.value === 'number' && Number.isFinite(finish.value))) {
        throw new Error(`trial ${number}: a complete trial needs a finite value (got ${finish.value}); report failures as 'failed'`)
      }
      const value = finish.state !== 'failed' && finish.value !== undefined ? finish.value : null
      this.db.prepare('UPDATE trials SET state = ?, value = ?, ended_at = ? WHERE study_id = ? AND number = ?').run(finish.state, value, finish.now, studyId, number)
      return this.getTrial(studyId, number) as Trial
    })()
  }

  getTrial(studyId: string, number: number): Trial | undefined {
    const r = this.db.prepare('SELECT * FROM trials WHERE study_id = ? AND number = ?').get(studyId, number) as TrialRow | undefined
    if (!r) return undefined
    const values = this.db.prepare('SELECT step, value FROM trial_values WHERE study_id = ? AND number = ? ORDER BY step').all(studyId, number) as { step: number; value: number }[]
    return trialFromRow(r, values)
  }

  getTrials(studyId: string, states?: readonly TrialState[]): Trial[] {
    this.requireStudy(studyId)
    const where = states ? ` AND state IN (${states.map(() => '?').join(', ')})` : ''
    const rows = this.db.prepare(`SELECT * FROM trials WHERE study_id = ?${where} ORDER BY number`).all(studyId, ...(states ?? [])) as TrialRow[]
    if (!rows.length) return []
    const values = this.db.prepare('SELECT number, step, value FROM trial_values WHERE study_id = ? ORDER BY number, step').all(studyId) as { number: number; step: number; value: number }[]
    const byTrial = new Map<number, { step: number; value: number }[]>()
    for (const v of values) {
      let l = byTrial.get(v.number)
      if (!l) byTrial.set(v.number, (l = []))
      l.push(v)
    }
    return rows.map((r) => trialFromRow(r, byTrial.get(r.number) ?? []))
  }

  private requireStudy(studyId: string): void {
    if (!this.db.prepare('SELECT 1 FROM studies WHERE id = ?').get(studyId)) throw new Error(`unknown study ${studyId}`)
  }

  private mutableRow(studyId: string, number: number): TrialRow {
    this.requireStudy(studyId)
    const t = this.db.prepare('SELECT * FROM trials WHERE study_id = ? AND number = ?').get(studyId, number) as TrialRow | undefined
    if (!t) throw new Error(`study ${studyId} has no trial ${number}`)
    if (FINISHED_STATES.includes(t.state)) throw new Error(`trial ${number} is ${t.state} and cannot change`)
    return t
  }

  private studyFromRow(r: StudyRow): StudyRecord {
    const attrs = JSON.parse(r.attrs) as Record<string, JsonValue>
    for (const [key, c] of Object.entries(STUDY_COLUMNS)) {
      const v = r[c.col]
      if (v !== null && v !== undefined) attrs[key] = fromColumn(c.kind, v)
    }
    return { id: r.id, name: r.name, direction: r.direction, space: JSON.parse(r.space) as SearchSpace, createdAt: r.created_at, attrs }
  }
}

function trialFromRow(r: TrialRow, values: { step: number; value: number }[]): Trial {
  const attrs = JSON.parse(r.attrs) as Record<string, JsonValue>
  if (r.error !== null) attrs.failReason = r.error
  if (r.heartbeat !== null) attrs.heartbeat = r.heartbeat
  if (r.run_id !== null) attrs.runId = r.run_id
  const t: Trial = { number: r.number, state: r.state, params: JSON.parse(r.params) as Params, intermediate: {}, attrs }
  for (const v of values) t.intermediate[v.step] = v.value
  if (r.value !== null) t.value = r.value
  if (r.started_at !== null) t.startedAt = r.started_at
  if (r.ended_at !== null) t.endedAt = r.ended_at
  if (r.worker !== null) t.worker = r.worker
  return t
}
