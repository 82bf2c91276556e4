import { MemoryStorage } from '../../../main/hpo/memoryStorage'
import type { Params, SearchSpace } from '../../../main/hpo/space'
import { Study } from '../../../main/hpo/study'
import type { Sampler } from '../../../main/hpo/types'

/** Branin-Hoo on x1 ∈ [−5, 10], x2 ∈ [0, 15]; global minimum 0.397887 at three points. */
export const BRANIN_MIN = 0.397887
export const braninSpace: SearchSpace = {
  params: [
    { name: 'x1', kind: 'float', low: -5, high: 10 },
    { name: 'x2', kind: 'float', low: 0, high: 15 }
  ]
}
export function branin(p: Params): number {
  const x1 = p.x1 as number
  const x2 = p.x2 as number
  const b = 5.1 / (4 * Math.PI ** 2)
  const c = 5 / Math.PI
  return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10
}

/** Hartmann-6 on [0, 1]^6; global minimum −3.32237. */
export const HARTMANN6_MIN = -3.32237
export const hartmann6Space: SearchSpace = { params: Array.from({ length: 6 }, (_, i) => ({ name: `x${i}`, kind: 'float' as const, low: 0, high: 1 })) }
const H_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14]
]
const H_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381]
]
const H_ALPHA = [1.0, 1.2, 3.0, 3.2]
export function hartmann6(p: Params): number {
  let s = 0
  for (let i = 0; i < 4; i++) {
    let inner = 0
    for (let j = 0; j < 6; j++) inner += H_A[i]![j]! * ((p[`x${j}`] as number) - H_P[i]![j]! * 1e-4) ** 2
    s -= H_ALPHA[i]! * Math.exp(-inner)
  }
  return s
}

/** Runs `n` sequential trials minimizing `f` and returns the best value found after each trial. */
export function bestCurve(sampler: Sampler, space: SearchSpace, f: (p: Params) => number, n: number): number[] {
  const study = Study.create(new MemoryStorage(), { name: 'bench', direction: 'minimize', space, now: 0 }, { sampler })
  const curve: number[] = []
  let best = Infinity
  for (let i = 0; i < n; i++) {
    const t = study.ask(undefined, 0)
    const v = f(t.params)
    study.tell(t.number, v, 0)
    best = Math.min(best, v)
    curve.push(best)
  }
  return curve
}

/** Median of a list. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}
