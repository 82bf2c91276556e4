import type { Params, SearchSpace } from './space'

/**
 * Trials, studies, and the small interfaces that connect them: samplers propose, pruners stop,
 * storage remembers. The coordinator (trainer processes, SQLite, UI) is built on these types;
 * nothing here knows about processes or databases.
 */

/** Whether the objective is to be minimized (loss, 1 − accuracy) or maximized (accuracy). */
export type Direction = 'minimize' | 'maximize'

/**
 * A trial's lifecycle: `waiting` (enqueued with fixed params, not started) → `running` →
 * `complete` | `pruned` | `failed`. The last three are final.
 */
export type TrialState = 'waiting' | 'running' | 'complete' | 'pruned' | 'failed'

/** States after which a trial never changes. */
export const FINISHED_STATES: readonly TrialState[] = ['complete', 'pruned', 'failed']

/** JSON-serializable attribute values (trial/study attributes are stored as JSON). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue }

/** One evaluation of one configuration. */
export interface Trial {
  /** Dense per-study index from 0, in creation order. */
  number: number
  state: TrialState
  /** The configuration (active parameters only). Fixed at creation. */
  params: Params
  /** Final objective value: set for `complete`; for `pruned`, the last intermediate value if any. */
  value?: number
  /** Intermediate objective values by step (epoch): step → value. Written while running. */
  intermediate: Record<number, number>
  /** ms since epoch when the trial entered `running`. */
  startedAt?: number
  /** ms since epoch when the trial finished. */
  endedAt?: number
  /** Which worker (trainer slot) ran it, for the timeline view. */
  worker?: string
  /**
   * Free attributes: the coordinator's (e.g. `runId`, `failReason`, `retryOf`) and the pruners'
   * (e.g. `completed_rung_0`, as Optuna's system attrs).
   */
  attrs: Record<string, JsonValue>
}

/** Steps with an intermediate value, ascending. */
export function intermediateSteps(trial: Trial): number[] {
  return Object.keys(trial.intermediate)
    .map(Number)
    .sort((a, b) => a - b)
}

/** The last step reported, or undefined when none was. */
export function lastStep(trial: Trial): number | undefined {
  const steps = intermediateSteps(trial)
  return steps.length ? steps[steps.length - 1] : undefined
}

/**
 * What samplers and pruners may see of a study. Implemented by {@link Study} over any
 * {@link StudyStorage}; tests may implement it directly.
 */
export interface StudyView {
  readonly name: string
  readonly direction: Direction
  /** Snapshot of all trials in number order; callers must not mutate them. */
  trials(): readonly Trial[]
  /** Records an attribute on a running trial (pruners keep their rung bookkeeping here). */
  setTrialAttr(number: number, key: string, value: JsonValue): void
}

/**
 * A sampler proposes configurations. Called by the study's `ask`, once per new trial (or once
 * per batch of `n` parallel trials). Implementations must:
 * - return only active parameters, each inside its domain (see `checkParams`);
 * - be deterministic: the same seed and the same trials give the same proposal;
 * - see `running` / `waiting` trials as pending work, not results (the GP conditions on them
 *   with the constant liar; TPE does with `constantLiar`), so parallel workers spread out;
 * - never mutate the study.
 */
export interface Sampler {
  /** Short identifier stored with the study, e.g. "tpe", "gp". */
  readonly name: string
  /** One configuration for the next trial. */
  ask(study: StudyView, space: SearchSpace): Params
  /** `n` configurations meant to run in parallel, mutually distinct where the space allows. */
  askBatch?(study: StudyView, space: SearchSpace, n: number): Params[]
}

/**
 * A pruner decides, after each intermediate report, whether a running trial should stop early.
 * Called by the coordinator after `report`; `true` ⇒ the coordinator stops the trainer and
 * finishes the trial as `pruned`. Semantics follow Optuna's pruners of the same names.
 */
export interface Pruner {
  prune(study: StudyView, trial: Trial): boolean
}

/** A stored study: what it optimizes and over what. */
export interface StudyRecord {
  id: string
  name: string
  direction: Direction
  space: SearchSpace
  createdAt: number
  /** Settings the coordinator keeps with the study: sampler, pruner, budget, parallelism… */
  attrs: Record<string, JsonValue>
}

/** Arguments of {@link StudyStorage.createTrial}. */
export interface TrialInit {
  state: 'waiting' | 'running'
  params: Params
  now: number
  worker?: string
  attrs?: Record<string, JsonValue>
}

/** Arguments of {@link StudyStorage.finishTrial}. */
export interface TrialFinish {
  state: 'complete' | 'pruned' | 'failed'
  /** Required (finite) for `complete`; optional for `pruned`; ignored for `failed`. */
  value?: number
  now: number
}

/**
 * Where studies and trials live. The app implements it on SQLite (tables `studies`, `trials`);
 * {@link MemoryStorage} implements it in memory. Synchronous because better-sqlite3 is, and
 * because the coordinator (the only writer) must read its own writes at once.
 *
 * Invariants every implementation guarantees (checked by `runStorageContract` in
 * test/main/hpo/storageContract.ts):
 * 1. Trial numbers of a study are dense from 0 in creation order and never reused.
 * 2. States move only waiting → running → complete | pruned | failed (waiting may also go
 *    straight to failed, e.g. when cancelled). Finished trials are immutable: every write to
 *    one throws.
 * 3. A `complete` trial has a finite value; a `failed` trial has none.
 * 4. Intermediate values are written only while running; a step already reported keeps its
 *    first value (as Optuna) — later reports of that step are ignored.
 * 5. `startedAt` is set when a trial enters running, `endedAt` when it finishes.
 * 6. `claimWaitingTrial` hands out the lowest-numbered waiting trial, each exactly once.
 * 7. Reads return copies: mutating a returned object never changes what is stored.
 * 8. Unknown study ids or trial numbers throw an Error naming them.
 */
export interface StudyStorage {
  createStudy(init: { name: string; direction: Direction; space: SearchSpace; attrs?: Record<string, JsonValue>; now: number }): StudyRecord
  getStudy(studyId: string): StudyRecord | undefined
  listStudies(): StudyRecord[]
  setStudyAttr(studyId: string, key: string, value: JsonValue): void
  /** Appends a trial numbered `count` (the number of trials so far). */
  createTrial(studyId: string, init: TrialInit): Trial
  /** Moves the lowest-numbered waiting trial to running for `worker`; undefined if none waits. */
  claimWaitingTrial(studyId: string, worker: string | undefined, now: number): Trial | undefined
  reportIntermediate(studyId: string, number: number, step: number, value: number): void
  setTrialAttr(studyId: string, number: number, key: string, value: JsonValue): void
  finishTrial(studyId: string, number: number, finish: TrialFinish): Trial
  getTrial(studyId: string, number: number): Trial | undefined
  /** All trials (optionally only those in `states`) in number order. */
  getTrials(studyId: string, states?: readonly TrialState[]): Trial[]
}
