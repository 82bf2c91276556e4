import { percentile } from '../math'
import { intermediateSteps, lastStep, type Pruner, type StudyView, type Trial } from '../types'

/** Options of {@link PercentilePruner} / {@link MedianPruner}; defaults are Optuna's. */
export interface PercentileOptions {
  /** No pruning until this many trials are complete. Default 5. */
  nStartupTrials?: number
  /** No pruning of a trial before this step. Default 0. */
  nWarmupSteps?: number
  /** Prune only at the first report at or after each `interval`-th step past warm-up. Default 1. */
  intervalSteps?: number
  /** At least this many complete trials must have reported the step. Default 1. */
  nMinTrials?: number
}

/**
 * Optuna's `_is_first_in_interval_step`: the current step is the first report at or after the
 * latest pruning checkpoint (warm-up + k·interval), so a trial reporting every epoch with
 * interval 3 is checked at epochs w, w+3, w+6…
 */
function isFirstInIntervalStep(step: number, steps: number[], warmup: number, interval: number): boolean {
  const nearestLowerPruningStep = Math.floor((step - warmup) / interval) * interval + warmup
  let secondLast = -1
  for (const s of steps) if (s > secondLast && s !== step) secondLast = s
  return secondLast < nearestLowerPruningStep
}

/**
 * Prunes a trial whose best intermediate value so far is worse than the given percentile of the
 * complete trials' values at the same step (Optuna's `PercentilePruner`: "worse" per the
 * study's direction; a trial whose values are all NaN is pruned; steps other trials never
 * reported do not prune).
 */
export class PercentilePruner implements Pruner {
  private readonly o: Required<PercentileOptions>

  constructor(
    readonly percentile: number,
    options: PercentileOptions = {}
  ) {
    if (!(percentile >= 0 && percentile <= 100)) throw new Error(`percentile ${percentile} must be in [0, 100]`)
    this.o = { nStartupTrials: options.nStartupTrials ?? 5, nWarmupSteps: options.nWarmupSteps ?? 0, intervalSteps: options.intervalSteps ?? 1, nMinTrials: options.nMinTrials ?? 1 }
    if (this.o.intervalSteps < 1) throw new Error(`intervalSteps ${this.o.intervalSteps} must be ≥ 1`)
  }

  prune(study: StudyView, trial: Trial): boolean {
    const completed = study.trials().filter((t) => t.state === 'complete')
    if (completed.length === 0 || completed.length < this.o.nStartupTrials) return false
    const step = lastStep(trial)
    if (step === undefined || step < this.o.nWarmupSteps) return false
    if (!isFirstInIntervalStep(step, intermediateSteps(trial), this.o.nWarmupSteps, this.o.intervalSteps)) return false
    const maximize = study.direction === 'maximize'
    const own = Object.values(trial.intermediate).filter((v) => !Number.isNaN(v))
    if (own.length === 0) return true
    const best = maximize ? Math.max(...own) : Math.min(...own)
    const others = completed.filter((t) => step in t.intermediate).map((t) => t.intermediate[step] as number)
    if (others.length < this.o.nMinTrials) return false
    const p = percentile(others, maximize ? 100 - this.percentile : this.percentile)
    if (Number.isNaN(p)) return false
    return maximize ? best < p : best > p
  }
}

/**
 * Prunes a trial whose best intermediate value is worse than the median of the complete trials
 * at the same step — Optuna's `MedianPruner` (= `PercentilePruner(50)`).
 */
export class MedianPruner extends PercentilePruner {
  constructor(options: PercentileOptions = {}) {
    super(50, options)
  }
}
