import { Rng } from '../random'
import { cardinality, fromInternal, isActive, type ParamSpec, type ParamValue, type Params, type SearchSpace } from '../space'
import type { Sampler, StudyView } from '../types'

/** Largest grid {@link GridSampler} enumerates; beyond it the space is too big for a grid. */
export const MAX_GRID_SIZE = 100_000

/**
 * The grid values of one parameter: every choice / list value; integers all of them if they fit
 * in `points`, else `points` evenly spaced ones; floats `points` evenly spaced values (in log
 * space for log scales), endpoints included.
 */
export function gridValues(p: ParamSpec, points: number): ParamValue[] {
  if (p.kind === 'categorical') return [...p.choices]
  if (p.kind === 'discrete') return [...p.values]
  const n = cardinality(p)
  if (n <= points) {
    const step = p.kind === 'int' ? (p.step ?? 1) : (p.step as number)
    return Array.from({ length: n }, (_, i) => fromInternal(p, p.log ? Math.log(p.low + i * step) : p.low + i * step))
  }
  const lo = p.log ? Math.log(p.low) : p.low
  const hi = p.log ? Math.log(p.high) : p.high
  const out: number[] = []
  for (let i = 0; i < points; i++) {
    const v = fromInternal(p, points === 1 ? (lo + hi) / 2 : lo + ((hi - lo) * i) / (points - 1))
    if (!out.includes(v)) out.push(v)
  }
  return out
}

/** Every configuration of the grid, conditional branches expanded only where active. */
export function enumerateGrid(space: SearchSpace, points: number): Params[] {
  let configs: Params[] = [{}]
  for (const p of space.params) {
    const values = gridValues(p, points)
    const next: Params[] = []
    for (const c of configs) {
      if (!isActive(p, c)) next.push(c)
      else for (const v of values) next.push({ ...c, [p.name]: v })
      if (next.length > MAX_GRID_SIZE) throw new Error(`the grid has more than ${MAX_GRID_SIZE} points; use fewer points per continuous parameter or another sampler`)
    }
    configs = next
  }
  return configs
}

function key(p: Params): string {
  return JSON.stringify(Object.keys(p).sort().map((k) => [k, p[k]]))
}

/**
 * Grid search: every combination of categorical / discrete values and `pointsPerContinuous`
 * evenly spaced values of each numeric parameter, each proposed once, in a seeded random order
 * (so a study stopped early still covers the grid evenly, as Optuna's GridSampler). Points of
 * trials that failed are proposed again. When the grid is exhausted it starts over;
 * {@link GridSampler.remaining} tells the coordinator when to stop.
 */
export class GridSampler implements Sampler {
  readonly name = 'grid'
  constructor(
    private readonly seed = 0,
    private readonly pointsPerContinuous = 5
  ) {}

  /** Grid points not yet taken by a waiting, running, complete or pruned trial. */
  remaining(study: StudyView, space: SearchSpace): Params[] {
    const grid = new Rng(this.seed, 0x67).shuffle(enumerateGrid(space, this.pointsPerContinuous))
    const taken = new Set(study.trials().filter((t) => t.state !== 'failed').map((t) => key(t.params)))
    return grid.filter((g) => !taken.has(key(g)))
  }

  ask(study: StudyView, space: SearchSpace): Params {
    return (this.askBatch(study, space, 1)[0] as Params)
  }

  askBatch(study: StudyView, space: SearchSpace, n: number): Params[] {
    let rest = this.remaining(study, space)
    if (rest.length === 0) rest = new Rng(this.seed, 0x67).shuffle(enumerateGrid(space, this.pointsPerContinuous))
    return Array.from({ length: n }, (_, i) => rest[i % rest.length] as Params)
  }
}
