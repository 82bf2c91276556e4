import type { SearchSpace } from './space'
import { FINISHED_STATES, type Direction, type JsonValue, type StudyRecord, type StudyStorage, type Trial, type TrialFinish, type TrialInit, type TrialState } from './types'

/**
 * In-memory {@link StudyStorage}: for tests, the CLI's `--no-db` runs, and as the reference the
 * SQLite implementation is checked against (both pass `runStorageContract`).
 */
export class MemoryStorage implements StudyStorage {
  private readonly studies = new Map<string, StudyRecord>()
  private readonly trialsOf = new Map<string, Trial[]>()
  private nextId = 0

  createStudy(init: { name: string; direction: Direction; space: SearchSpace; attrs?: Record<string, JsonValue>; now: number }): StudyRecord {
    const id = `s${this.nextId++}`
    const rec: StudyRecord = { id, name: init.name, direction: init.direction, space: structuredClone(init.space), createdAt: init.now, attrs: structuredClone(init.attrs ?? {}) }
    this.studies.set(id, rec)
    this.trialsOf.set(id, [])
    return structuredClone(rec)
  }

  getStudy(studyId: string): StudyRecord | undefined {
    const s = this.studies.get(studyId)
    return s && structuredClone(s)
  }

  listStudies(): StudyRecord[] {
    return [...this.studies.values()].map((s) => structuredClone(s))
  }

  setStudyAttr(studyId: string, key: string, value: JsonValue): void {
    const s = this.studies.get(studyId)
    if (!s) throw new Error(`unknown study ${studyId}`)
    s.attrs[key] = structuredClone(value)
  }

  createTrial(studyId: string, init: TrialInit): Trial {
    const list = this.list(studyId)
    const t: Trial = { number: list.length, state: init.state, params: structuredClone(init.params), intermediate: {}, attrs: structuredClone(init.attrs ?? {}) }
    if (init.state === 'running') t.startedAt = init.now
    if (init.worker !== undefined) t.worker = init.worker
    list.push(t)
    return structuredClone(t)
  }

  claimWaitingTrial(studyId: string, worker: string | undefined, now: number): Trial | undefined {
    const t = this.list(studyId).find((x) => x.state === 'waiting')
    if (!t) return undefined
    t.state = 'running'
    t.startedAt = now
    if (worker !== undefined) t.worker = worker
    return structuredClone(t)
  }

  reportIntermediate(studyId: string, number: number, step: number, value: number): void {
    const t = this.mutable(studyId, number)
    if (t.state !== 'running') throw new Error(`trial ${number} is ${t.state}; intermediate values are reported only while running`)
    if (!Number.isInteger(step) || step < 0) throw new Error(`step ${step} must be a non-negative integer`)
    if (!(step in t.intermediate)) t.intermediate[step] = value
  }

  setTrialAttr(studyId: string, number: number, key: string, value: JsonValue): void {
    this.mutable(studyId, number).attrs[key] = structuredClone(value)
  }

  finishTrial(studyId: string, number: number, finish: TrialFinish): Trial {
    const t = this.mutable(studyId, number)
    if (t.state === 'waiting' && finish.state !== 'failed') throw new Error(`trial ${number} is waiting; only 'failed' can end it before it runs`)
    if (finish.state === 'complete' && !(typeof finish.value === 'number' && Number.isFinite(finish.value))) {
      throw new Error(`trial ${number}: a complete trial needs a finite value (got ${finish.value}); report failures as 'failed'`)
    }
    t.state = finish.state
    t.endedAt = finish.now
    if (finish.state !== 'failed' && finish.value !== undefined) t.value = finish.value
    return structuredClone(t)
  }

  getTrial(studyId: string, number: number): Trial | undefined {
    const t = this.list(studyId)[number]
    return t && structuredClone(t)
  }

  getTrials(studyId: string, states?: readonly TrialState[]): Trial[] {
    const list = this.list(studyId)
    return (states ? list.filter((t) => states.includes(t.state)) : list).map((t) => structuredClone(t))
  }

  private list(studyId: string): Trial[] {
    const l = this.trialsOf.get(studyId)
    if (!l) throw new Error(`unknown study ${studyId}`)
    return l
  }

  private mutable(studyId: string, number: number): Trial {
    const t = this.list(studyId)[number]
    if (!t) throw new Error(`study ${studyId} has no trial ${number}`)
    if (FINISHED_STATES.includes(t.state)) throw new Error(`trial ${number} is ${t.state} and cannot change`)
    return t
  }
}
