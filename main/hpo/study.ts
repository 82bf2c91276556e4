import { checkParams, type Params, type SearchSpace } from './space'
import type { Direction, JsonValue, Pruner, Sampler, StudyStorage, StudyView, Trial } from './types'

/** Options of {@link Study}: which sampler proposes and which pruner stops (none by default). */
export interface StudyOptions {
  sampler: Sampler
  pruner?: Pruner
}

/**
 * The ask/tell loop of one study over a {@link StudyStorage}, with no notion of processes: the
 * coordinator calls `ask` when a trainer slot frees up, `report` + `shouldPrune` on each epoch
 * metric, and `tell` when the run ends. Tests and the synthetic benchmarks drive it directly
 * with {@link Study.optimize}.
 */
export class Study implements StudyView {
  readonly name: string
  readonly direction: Direction
  readonly space: SearchSpace

  constructor(
    readonly storage: StudyStorage,
    readonly studyId: string,
    private readonly options: StudyOptions
  ) {
    const rec = storage.getStudy(studyId)
    if (!rec) throw new Error(`unknown study ${studyId}`)
    this.name = rec.name
    this.direction = rec.direction
    this.space = rec.space
  }

  /** Creates a study record in `storage` and returns its loop. */
  static create(storage: StudyStorage, init: { name: string; direction: Direction; space: SearchSpace; now?: number }, options: StudyOptions): Study {
    const rec = storage.createStudy({ name: init.name, direction: init.direction, space: init.space, now: init.now ?? Date.now() })
    return new Study(storage, rec.id, options)
  }

  trials(): readonly Trial[] {
    return this.storage.getTrials(this.studyId)
  }

  setTrialAttr(number: number, key: string, value: JsonValue): void {
    this.storage.setTrialAttr(this.studyId, number, key, value)
  }

  /**
   * Queues a configuration to be evaluated before any sampled one (warm start, a user's
   * guess, or a retry of a failed trial). Throws with the problems if it does not fit the space.
   */
  enqueue(params: Params, attrs?: Record<string, JsonValue>): Trial {
    const errors = checkParams(this.space, params)
    if (errors.length) throw new Error('cannot enqueue: ' + errors.join('; '))
    return this.storage.createTrial(this.studyId, { state: 'waiting', params, now: Date.now(), ...(attrs ? { attrs } : {}) })
  }

  /**
   * Re-queues a failed (or any finished) trial's configuration as a new waiting trial that
   * records `retryOf`, for the coordinator's "retry failures" setting and for trials that were
   * running when the app died. Returns the new trial.
   */
  retry(number: number): Trial {
    const t = this.storage.getTrial(this.studyId, number)
    if (!t) throw new Error(`study ${this.studyId} has no trial ${number}`)
    return this.storage.createTrial(this.studyId, { state: 'waiting', params: t.params, now: Date.now(), attrs: { retryOf: number } })
  }

  /**
   * Warm start from another study: replays its finished trials (params, intermediate values,
   * value, timestamps) into this one with `importedFrom` = their original number, skipping
   * unfinished trials and those whose params do not fit this space. Returns how many were imported.
   */
  importTrials(trials: readonly Trial[], source: string): number {
    let n = 0
    for (const t of trials) {
      if (t.state !== 'complete' && t.state !== 'pruned') continue
      if (checkParams(this.space, t.params).length) continue
      const created = this.storage.createTrial(this.studyId, { state: 'running', params: t.params, now: t.startedAt ?? 0, attrs: { importedFrom: `${source}#${t.number}` } })
      for (const [step, value] of Object.entries(t.intermediate)) this.storage.reportIntermediate(this.studyId, created.number, Number(step), value)
      this.storage.finishTrial(this.studyId, created.number, { state: t.state, ...(t.value !== undefined ? { value: t.value } : {}), now: t.endedAt ?? t.startedAt ?? 0 })
      n++
    }
    return n
  }

  /**
   * Starts the next trial: the oldest enqueued one if any, else a fresh proposal from the
   * sampler. The returned trial is `running`; its params go to the trainer.
   */
  ask(worker?: string, now = Date.now()): Trial {
    const queued = this.storage.claimWaitingTrial(this.studyId, worker, now)
    if (queued) return queued
    const params = this.options.sampler.ask(this, this.space)
    return this.storage.createTrial(this.studyId, { state: 'running', params, now, ...(worker !== undefined ? { worker } : {}) })
  }

  /**
   * Starts `n` trials at once for `n` free workers, using the sampler's batch proposal (e.g. the
   * GP's constant liar) when it has one; enqueued trials are handed out first.
   */
  askBatch(n: number, workers?: string[], now = Date.now()): Trial[] {
    const out: Trial[] = []
    while (out.length < n) {
      const q = this.storage.claimWaitingTrial(this.studyId, workers?.[out.length], now)
      if (!q) break
      out.push(q)
    }
    const rest = n - out.length
    if (rest <= 0) return out
    const sampler = this.options.sampler
    const proposals = sampler.askBatch ? sampler.askBatch(this, this.space, rest) : undefined
    for (let i = 0; i < rest; i++) {
      const worker = workers?.[out.length]
      const params = proposals ? (proposals[i] as Params) : sampler.ask(this, this.space)
      out.push(this.storage.createTrial(this.studyId, { state: 'running', params, now, ...(worker !== undefined ? { worker } : {}) }))
    }
    return out
  }

  /** Records the metric of `step` (epoch) for a running trial. */
  report(number: number, step: number, value: number): void {
    this.storage.reportIntermediate(this.studyId, number, step, value)
  }

  /** Asks the pruner whether the running trial should stop now (false without a pruner). */
  shouldPrune(number: number): boolean {
    const pruner = this.options.pruner
    if (!pruner) return false
    const t = this.storage.getTrial(this.studyId, number)
    if (!t || t.state !== 'running') return false
    return pruner.prune(this, t)
  }

  /**
   * Finishes a trial: a number ⇒ `complete` with that value (a non-finite one is recorded as
   * `failed`, as Optuna does); or an explicit `pruned` (value = last intermediate) / `failed`.
   */
  tell(number: number, result: number | 'pruned' | 'failed', now = Date.now()): Trial {
    if (typeof result === 'number') {
      if (Number.isFinite(result)) return this.storage.finishTrial(this.studyId, number, { state: 'complete', value: result, now })
      this.storage.setTrialAttr(this.studyId, number, 'failReason', `objective returned ${result}`)
      return this.storage.finishTrial(this.studyId, number, { state: 'failed', now })
    }
    if (result === 'pruned') {
      const t = this.storage.getTrial(this.studyId, number)
      const steps = t ? Object.keys(t.intermediate).map(Number) : []
      const last = steps.length ? Math.max(...steps) : undefined
      const value = last !== undefined && t ? t.intermediate[last] : undefined
      return this.storage.finishTrial(this.studyId, number, { state: 'pruned', ...(value !== undefined && Number.isFinite(value) ? { value } : {}), now })
    }
    return this.storage.finishTrial(this.studyId, number, { state: 'failed', now })
  }

  /** The best complete trial for the study's direction (ties: the earliest), if any. */
  bestTrial(): Trial | undefined {
    let best: Trial | undefined
    for (const t of this.storage.getTrials(this.studyId, ['complete'])) {
      if (t.value === undefined) continue
      if (!best || (this.direction === 'minimize' ? t.value < (best.value as number) : t.value > (best.value as number))) best = t
    }
    return best
  }

  /**
   * Runs `n` trials sequentially with a synchronous objective — for tests, benchmarks and
   * synthetic demos. The objective may call `report(step, value)`; when the pruner says stop,
   * it should return early (the trial is then recorded as pruned).
   */
  optimize(objective: (params: Params, report: (step: number, value: number) => boolean) => number, n: number): void {
    for (let i = 0; i < n; i++) {
      const t = this.ask()
      let pruned = false
      const report = (step: number, value: number): boolean => {
        this.report(t.number, step, value)
        if (this.shouldPrune(t.number)) pruned = true
        return pruned
      }
      let value: number
      try {
        value = objective(t.params, report)
      } catch (e) {
        this.storage.setTrialAttr(this.studyId, t.number, 'failReason', String(e))
        this.tell(t.number, 'failed')
        continue
      }
      this.tell(t.number, pruned ? 'pruned' : value)
    }
  }
}
