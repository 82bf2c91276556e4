import { Rng } from '../random'
import { fromUnit, isActive, type Params, type SearchSpace } from '../space'
import type { Sampler, StudyView } from '../types'

/**
 * Draws one configuration uniformly (log-uniformly on log scales; every grid value / choice
 * equally likely) from `rng`, deciding parents before their conditional children. Shared by the
 * samplers for their random phases.
 */
export function sampleUniform(space: SearchSpace, rng: Rng, fixed: Params = {}): Params {
  const out: Params = {}
  for (const p of space.params) {
    if (!isActive(p, out)) continue
    const f = fixed[p.name]
    out[p.name] = f !== undefined ? f : fromUnit(p, rng.random())
  }
  return out
}

/**
 * Random search: every trial independent and uniform over the space. The baseline every other
 * sampler must beat, and the right choice when the budget is tiny or the objective is noise.
 * Deterministic: trial k's configuration depends only on (seed, k).
 */
export class RandomSampler implements Sampler {
  readonly name = 'random'
  constructor(private readonly seed = 0) {}

  ask(study: StudyView, space: SearchSpace): Params {
    return sampleUniform(space, new Rng(this.seed, study.trials().length))
  }

  askBatch(study: StudyView, space: SearchSpace, n: number): Params[] {
    const base = study.trials().length
    return Array.from({ length: n }, (_, i) => sampleUniform(space, new Rng(this.seed, base + i)))
  }
}
