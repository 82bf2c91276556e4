import { SpaceEncoder, type SearchSpace } from '../space'
import type { Sampler } from '../types'
import { GPSampler } from './gpSampler'
import { TPESampler } from './tpeSampler'

/** GP is chosen up to this many trials… */
export const GP_MAX_TRIALS = 100
/** …and this many encoded dimensions (a categorical counts one per choice). */
export const GP_MAX_DIMS = 8

/** A sentence for the UI in both shipped languages, with a key and values for i18n. */
export interface Explained {
  key: string
  values: Record<string, number | string>
  en: string
  ko: string
}

/** What {@link autoSampler} chose and why. */
export interface AutoChoice {
  sampler: Sampler
  kind: 'gp' | 'tpe'
  reason: Explained
  hint: Explained & { suggestedTrials: number }
}

/**
 * A rough number of trials to get near the best: ~10 per encoded dimension for the GP (at least
 * 15 = 5 initial + 10 guided), ~20 per dimension for TPE (at least 30 = 10 random + 20
 * guided). A heuristic from the Branin / Hartmann-6 runs in test/main/hpo, not a guarantee.
 */
export function suggestedTrials(kind: 'gp' | 'tpe', dims: number): number {
  return kind === 'gp' ? Math.max(15, 10 * dims) : Math.max(30, 20 * dims)
}

/**
 * The "budget hint" shown before a study starts, for a sampler kind and a space: how far that
 * sampler scales and how many trials to expect to need.
 */
export function budgetHint(space: SearchSpace, kind: 'gp' | 'tpe', budget?: number): AutoChoice['hint'] {
  const dims = new SpaceEncoder(space, 'onehot').dim
  const n = suggestedTrials(kind, dims)
  const short = budget !== undefined && budget < n
  const values = { dims, n, budget: budget ?? '', maxTrials: GP_MAX_TRIALS, maxDims: GP_MAX_DIMS }
  if (kind === 'gp') {
    return {
      key: short ? 'hpo.hint.gpShort' : 'hpo.hint.gp',
      values,
      suggestedTrials: n,
      en: `GP works well up to ~${GP_MAX_TRIALS} trials in ≤ ${GP_MAX_DIMS} dimensions; expect about ${n} trials to get near the best${short ? ` (the budget of ${budget} may stop short)` : ''}.`,
      ko: `GP는 ${GP_MAX_DIMS}차원 이하에서 약 ${GP_MAX_TRIALS}회 시도까지 잘 동작합니다. 최적값 근처에 도달하려면 약 ${n}회 시도가 필요합니다${short ? ` (예산 ${budget}회로는 부족할 수 있습니다)` : ''}.`
    }
  }
  return {
    key: short ? 'hpo.hint.tpeShort' : 'hpo.hint.tpe',
    values,
    suggestedTrials: n,
    en: `TPE scales to many trials and dimensions; its first 10 trials are random. Expect about ${n} trials to get near the best${short ? ` (the budget of ${budget} may stop short)` : ''}.`,
    ko: `TPE는 시도 횟수와 차원이 많아도 잘 동작하며, 처음 10회는 무작위로 시도합니다. 최적값 근처에 도달하려면 약 ${n}회 시도가 필요합니다${short ? ` (예산 ${budget}회로는 부족할 수 있습니다)` : ''}.`
  }
}

/**
 * The automatic default sampler: the GP for small budgets in low dimension with no conditional
 * parameters (≤ 100 trials, ≤ 8 encoded dimensions), where its sample efficiency pays and its
 * O(n³) fits stay fast; multivariate TPE otherwise. Returns the sampler and the sentence the UI shows.
 */
export function autoSampler(space: SearchSpace, budget: number | undefined, seed = 0): AutoChoice {
  const dims = new SpaceEncoder(space, 'onehot').dim
  const conditional = space.params.some((p) => p.when)
  const values = { dims, budget: budget ?? '', maxTrials: GP_MAX_TRIALS, maxDims: GP_MAX_DIMS }
  let reason: Explained
  let kind: 'gp' | 'tpe'
  if (conditional) {
    kind = 'tpe'
    reason = { key: 'hpo.auto.tpeConditional', values, en: 'TPE, because the space has conditional parameters, which TPE models branch by branch.', ko: '조건부 파라미터가 있어 TPE를 사용합니다. TPE는 분기별로 모델을 만듭니다.' }
  } else if (dims > GP_MAX_DIMS) {
    kind = 'tpe'
    reason = { key: 'hpo.auto.tpeDims', values, en: `TPE, because the space has ${dims} dimensions (the GP is used up to ${GP_MAX_DIMS}).`, ko: `공간이 ${dims}차원이므로 TPE를 사용합니다 (GP는 ${GP_MAX_DIMS}차원까지 사용).` }
  } else if (budget === undefined || budget > GP_MAX_TRIALS) {
    kind = 'tpe'
    reason = {
      key: 'hpo.auto.tpeBudget',
      values,
      en: budget === undefined ? `TPE, because the budget is open-ended (the GP is used up to ${GP_MAX_TRIALS} trials).` : `TPE, because ${budget} trials is more than the GP handles quickly (up to ${GP_MAX_TRIALS}).`,
      ko: budget === undefined ? `시도 횟수 제한이 없어 TPE를 사용합니다 (GP는 ${GP_MAX_TRIALS}회까지 사용).` : `${budget}회는 GP가 빠르게 처리할 수 있는 ${GP_MAX_TRIALS}회를 넘으므로 TPE를 사용합니다.`
    }
  } else {
    kind = 'gp'
    reason = {
      key: 'hpo.auto.gp',
      values,
      en: `Gaussian-process Bayesian optimization, because ${budget} trials in ${dims} dimensions is a small budget where a GP learns the most from each trial.`,
      ko: `${dims}차원에서 ${budget}회의 적은 예산이므로, 시도마다 가장 많이 배우는 가우시안 프로세스 베이지안 최적화를 사용합니다.`
    }
  }
  // Multivariate TPE: over 50 seeds it beat the independent (Optuna-default) TPE on Branin @20 and
  // Hartmann-6 @50 and tied elsewhere (BENCHMARKS.md, HPO section).
  const sampler = kind === 'gp' ? new GPSampler({ seed }) : new TPESampler({ seed, multivariate: true })
  return { sampler, kind, reason, hint: budgetHint(space, kind, budget) }
}
