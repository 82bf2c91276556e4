import { lastStep, type Direction, type Pruner, type StudyView, type Trial } from '../types'

/** Options of {@link SuccessiveHalvingPruner}; defaults are Optuna's. */
export interface SuccessiveHalvingOptions {
  /** Steps before the first rung; `auto` (default) = max(⌊last step of the first complete trial / 100⌋, 1). */
  minResource?: number | 'auto'
  /** η: a trial is promoted when it is in the top 1/η of its rung. Default 4. */
  reductionFactor?: number
  /** s: rung k sits at minResource · η^(s + k). Default 0. */
  minEarlyStoppingRate?: number
  /** Trials needed in a rung before anyone is promoted from it. Default 0. */
  bootstrapCount?: number
}

/** The attribute a trial gets when it reaches rung k, holding its value there (Optuna's system attr). */
export function rungKey(rung: number): string {
  return `completed_rung_${rung}`
}

function currentRung(trial: Trial): number {
  let rung = 0
  while (rungKey(rung) in trial.attrs) rung++
  return rung
}

function estimateMinResource(trials: readonly Trial[]): number | undefined {
  const steps = trials.filter((t) => t.state === 'complete').map(lastStep).filter((s): s is number => s !== undefined)
  if (steps.length === 0) return undefined
  return Math.max(Math.floor(Math.max(...steps) / 100), 1)
}

function isPromotable(value: number, competing: number[], eta: number, direction: Direction): boolean {
  let idx = Math.floor(competing.length / eta) - 1
  // Trials cannot be paused and resumed, so the first η−1 trials are promoted only if best so far.
  if (idx === -1) idx = 0
  const sorted = [...competing].sort((a, b) => a - b)
  if (direction === 'maximize') return value >= (sorted[sorted.length - 1 - idx] as number)
  return value <= (sorted[idx] as number)
}

/**
 * Asynchronous successive halving (ASHA), as Optuna's `SuccessiveHalvingPruner`. Rungs sit at
 * steps r·η^(s+k). When a trial reports at or past its next rung's step, it records its value
 * in that rung (attribute `completed_rung_k`) and continues only if it is in the top 1/η of all
 * values recorded in that rung so far (the first ones: only if best so far); otherwise it is
 * pruned. A NaN value at a rung prunes.
 */
export class SuccessiveHalvingPruner implements Pruner {
  private minResource: number | undefined
  private readonly eta: number
  private readonly s: number
  private readonly bootstrap: number

  constructor(options: SuccessiveHalvingOptions = {}) {
    const mr = options.minResource ?? 'auto'
    if (mr !== 'auto' && !(mr >= 1)) throw new Error(`minResource ${mr} must be ≥ 1 or 'auto'`)
    this.minResource = mr === 'auto' ? undefined : mr
    this.eta = options.reductionFactor ?? 4
    this.s = options.minEarlyStoppingRate ?? 0
    this.bootstrap = options.bootstrapCount ?? 0
    if (!(this.eta >= 2)) throw new Error(`reductionFactor ${this.eta} must be ≥ 2`)
  }

  prune(study: StudyView, trial: Trial): boolean {
    const step = lastStep(trial)
    if (step === undefined) return false
    let rung = currentRung(trial)
    const value = trial.intermediate[step] as number
    let trials: readonly Trial[] | undefined
    for (;;) {
      if (this.minResource === undefined) {
        trials ??= study.trials()
        this.minResource = estimateMinResource(trials)
        if (this.minResource === undefined) return false
      }
      const promotionStep = this.minResource * this.eta ** (this.s + rung)
      if (step < promotionStep) return false
      if (Number.isNaN(value)) return true
      trials ??= study.trials()
      const key = rungKey(rung)
      study.setTrialAttr(trial.number, key, value)
      const competing = trials.filter((t) => t.number !== trial.number && key in t.attrs).map((t) => t.attrs[key] as number)
      competing.push(value)
      if (competing.length <= this.bootstrap) return true
      if (!isPromotable(value, competing, this.eta, study.direction)) return true
      rung++
    }
  }
}
