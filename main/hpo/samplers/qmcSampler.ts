import { Rng } from '../random'
import { Sobol, SOBOL_MAX_DIM } from '../sobol'
import { SpaceEncoder, type Params, type SearchSpace } from '../space'
import type { Sampler, StudyView } from '../types'
import { sampleUniform } from './randomSampler'

/** Options of {@link QMCSampler}. */
export interface QMCOptions {
  seed?: number
  /** `sobol` (default) or `lhs` (Latin hypercube in blocks of `lhsSize`). */
  kind?: 'sobol' | 'lhs'
  /** Sobol only: scramble (default true; plain Sobol starts at the origin corner). */
  scramble?: boolean
  /** LHS only: points per Latin-hypercube design (default 10); later trials start new designs. */
  lhsSize?: number
}

/**
 * Quasi-random initial designs: low-discrepancy points that cover the space more evenly than
 * random ones, so the first trials of a model-based study see every region. Trial k gets
 * point k of the sequence (one index column per parameter, categoricals and lists by cell).
 * Conditional children read the same coordinate whether or not they are active, which keeps
 * the design balanced within each branch.
 */
export class QMCSampler implements Sampler {
  readonly name: string
  private encoder: SpaceEncoder | undefined
  private sobol: Sobol | undefined

  constructor(private readonly options: QMCOptions = {}) {
    this.name = options.kind === 'lhs' ? 'lhs' : 'sobol'
  }

  /** Point `index` of the design as a configuration. */
  pointAt(space: SearchSpace, index: number): Params {
    if (this.encoder?.space !== space) this.encoder = new SpaceEncoder(space, 'index')
    const enc = this.encoder
    const seed = this.options.seed ?? 0
    let u: number[]
    if (this.options.kind === 'lhs') {
      const size = Math.max(1, this.options.lhsSize ?? 10)
      const block = Math.floor(index / size)
      const within = index % size
      const rng = new Rng(seed, 0x1a5, block)
      u = []
      for (let d = 0; d < enc.dim; d++) {
        const perm = rng.shuffle(Array.from({ length: size }, (_, i) => i))
        const jitter = new Rng(seed, 0x1a6, block, d * size + within).random()
        u.push(((perm[within] as number) + jitter) / size)
      }
    } else {
      if (enc.dim > SOBOL_MAX_DIM) return sampleUniform(space, new Rng(seed, index))
      if (!this.sobol || this.sobol.dim !== enc.dim) this.sobol = new Sobol(enc.dim, this.options.scramble ?? true, seed)
      u = this.sobol.point(index)
    }
    return enc.decode(u)
  }

  ask(study: StudyView, space: SearchSpace): Params {
    return this.pointAt(space, study.trials().length)
  }

  askBatch(study: StudyView, space: SearchSpace, n: number): Params[] {
    const base = study.trials().length
    return Array.from({ length: n }, (_, i) => this.pointAt(space, base + i))
  }
}
