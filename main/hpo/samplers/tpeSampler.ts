import { logNormMass, logSumExp, normLogPdf, truncNormSample } from '../math'
import { Rng } from '../random'
import { inDomain, isActive, numericRange, type Condition, type ParamSpec, type ParamValue, type Params, type SearchSpace } from '../space'
import type { Direction, Sampler, StudyView, Trial } from '../types'
import { sampleUniform } from './randomSampler'

/** Options of {@link TPESampler}; defaults are Optuna 3.1's. */
export interface TPEOptions {
  seed?: number
  /** Random trials before the model is used (complete + pruned trials counted). Default 10. */
  nStartupTrials?: number
  /** Candidates drawn from l(x) per proposal; the best l/g wins. Default 24. */
  nEiCandidates?: number
  /** Number of "good" trials out of n. Default min(⌈0.1·n⌉, 25). */
  gamma?: (n: number) => number
  /** Weights of n observations in trial order. Default: ones for n < 25, else a ramp for older ones. */
  weights?: (n: number) => number[]
  /** Weight of the prior component. Default 1. */
  priorWeight?: number
  considerPrior?: boolean
  considerMagicClip?: boolean
  considerEndpoints?: boolean
  /** Model the joint density of parameters sampled together (Optuna's multivariate TPE). Default false. */
  multivariate?: boolean
  /** Treat running trials as bad (worst) observations so parallel workers spread out. Default false. */
  constantLiar?: boolean
  /**
   * Score continuous kernels by their true density N(x; μ, σ)/mass (Optuna ≥ 3.5). Default false:
   * as Optuna 3.1–3.4, whose truncated-normal log-pdf left out the −log σ term (fixed upstream in
   * 3.5), so each kernel counts with its shape only — wide kernels (the prior, sparse regions) weigh
   * more in l(x)/g(x). The quality goals quote Optuna 3.1, and on Branin / Hartmann-6 the 3.1 form
   * has the lower regret (BENCHMARKS.md). Quantized dimensions use cell masses either way.
   */
  normalizedKernels?: boolean
}

/** Optuna's default gamma: the best min(⌈0.1·n⌉, 25) trials form l(x). */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25)
}

/** Optuna's default weights: flat for the last 25 observations, linearly decaying (from 1/n) before them. */
export function defaultWeights(n: number): number[] {
  if (n === 0) return []
  if (n < 25) return new Array<number>(n).fill(1)
  const ramp = Array.from({ length: n - 25 }, (_, i) => (n - 25 === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (n - 26)))
  return [...ramp, ...new Array<number>(25).fill(1)]
}

/** A numeric dimension in the internal (log / half-step widened) coordinates of {@link numericRange}. */
interface NumDim {
  type: 'num'
  param: ParamSpec
  low: number
  high: number
  /** Cell half-width in original units for quantized params (ints, stepped floats, list indices). */
  half: number | undefined
  log: boolean
}
interface CatDim {
  type: 'cat'
  param: ParamSpec
  k: number
}
type Dim = NumDim | CatDim

/** The estimator's view of a parameter (exported for the estimator's unit tests). */
export function dimOf(p: ParamSpec): Dim {
  if (p.kind === 'categorical') return { type: 'cat', param: p, k: p.choices.length }
  if (p.kind === 'discrete') {
    // An ordered list is modelled on its index axis: neighbours in the list are neighbours here.
    return { type: 'num', param: p, low: -0.5, high: p.values.length - 0.5, half: 0.5, log: false }
  }
  const r = numericRange(p)
  const step = p.kind === 'int' ? (p.step ?? 1) : p.step
  return { type: 'num', param: p, low: r.low, high: r.high, half: step !== undefined ? step / 2 : undefined, log: r.log }
}

/** A value as the estimator sees it: internal coordinate for numbers, choice index for categoricals. */
function toObs(d: Dim, v: ParamValue): number {
  const p = d.param
  if (d.type === 'cat') return (p as { choices: ParamValue[] }).choices.indexOf(v)
  if (p.kind === 'discrete') return p.values.indexOf(v as number)
  return d.log ? Math.log(v as number) : (v as number)
}

/** Rounds an internal coordinate to a legal value (in original units) of the dimension. */
function fromObs(d: Dim, x: number): ParamValue {
  const p = d.param
  if (d.type === 'cat') return (p as { choices: ParamValue[] }).choices[x] as ParamValue
  if (p.kind === 'discrete') return p.values[Math.min(p.values.length - 1, Math.max(0, Math.round(x)))] as number
  if (p.kind !== 'float' && p.kind !== 'int') throw new Error('unreachable')
  let v = d.log ? Math.exp(x) : x
  const step = p.kind === 'int' ? (p.step ?? 1) : p.step
  if (step !== undefined) {
    const n = Math.floor((p.high - p.low) / step + 1e-9)
    v = p.low + Math.min(n, Math.max(0, Math.round((v - p.low) / step))) * step
    if (p.kind === 'float') v = Number(v.toPrecision(12))
  }
  return Math.min(Math.max(v, p.low), p.high)
}

/**
 * A Parzen estimator over a group of dimensions, as Optuna 3.1's `_ParzenEstimator`: one kernel
 * per observation plus a prior component, mixture weights from `weights` (+ priorWeight).
 * Numeric kernels are truncated normals in internal coordinates (bandwidth from neighbour
 * distances in the univariate case, Scott-like `0.2·n^(−1/(d+4))·range` in the multivariate
 * case, then the "magic clip" to [range / min(100, 1 + components), range]). Categorical
 * kernels put weight 1 on the observed choice plus priorWeight / (n + 1) on every choice.
 * Continuous kernels are scored as Optuna 3.1 does unless `normalizedKernels` (see {@link TPEOptions}).
 * Exported for unit tests; the sampler is the public interface.
 */
export class ParzenEstimator {
  readonly logW: number[]
  readonly mus: number[][] = []
  readonly sigmas: number[][] = []
  readonly catLogP: number[][][] = []
  /** Whether continuous kernels include −log σ (a true density) or not (Optuna 3.1's form). */
  private readonly logSigmaTerm: boolean

  constructor(
    readonly dims: Dim[],
    obs: number[][],
    o: Required<Pick<TPEOptions, 'priorWeight' | 'considerPrior' | 'considerMagicClip' | 'considerEndpoints' | 'multivariate'>> & {
      weights: (n: number) => number[]
      normalizedKernels?: boolean
    }
  ) {
    this.logSigmaTerm = o.normalizedKernels === true
    const n = obs.length
    const considerPrior = o.considerPrior || n === 0
    const w = o.weights(n).slice(0, n)
    if (considerPrior) w.push(o.priorWeight)
    const total = w.reduce((a, b) => a + b, 0)
    this.logW = w.map((x) => Math.log(x / total))
    for (let j = 0; j < dims.length; j++) {
      const d = dims[j] as Dim
      const col = obs.map((r) => r[j] as number)
      if (d.type === 'cat') {
        const fill = o.priorWeight / (n + (considerPrior ? 1 : 0))
        const rows: number[][] = []
        for (let i = 0; i < n + (considerPrior ? 1 : 0); i++) {
          const row = new Array<number>(d.k).fill(fill)
          if (i < n) row[col[i] as number] = (row[col[i] as number] as number) + 1
          const s = row.reduce((a, b) => a + b, 0)
          rows.push(row.map((x) => Math.log(x / s)))
        }
        this.catLogP.push(rows)
        this.mus.push([])
        this.sigmas.push([])
        continue
      }
      this.catLogP.push([])
      const { low, high } = d
      const range = high - low
      const mus = [...col]
      let sigmas: number[]
      if (o.multivariate) {
        const s = 0.2 * Math.max(n, 1) ** (-1 / (dims.length + 4)) * range
        sigmas = new Array<number>(n).fill(s)
        if (considerPrior) {
          mus.push(0.5 * (low + high))
          sigmas.push(range)
        }
      } else {
        if (considerPrior) mus.push(0.5 * (low + high))
        const order = mus.map((_, i) => i).sort((a, b) => (mus[a] as number) - (mus[b] as number))
        const sorted = order.map((i) => mus[i] as number)
        const ends = [low, ...sorted, high]
        const sortedSig = sorted.map((_, i) => Math.max((ends[i + 1] as number) - (ends[i] as number), (ends[i + 2] as number) - (ends[i + 1] as number)))
        if (!o.considerEndpoints && sorted.length >= 2) {
          sortedSig[0] = (ends[2] as number) - (ends[1] as number)
          sortedSig[sortedSig.length - 1] = (ends[ends.length - 2] as number) - (ends[ends.length - 3] as number)
        }
        sigmas = new Array<number>(mus.length)
        order.forEach((orig, k) => (sigmas[orig] = sortedSig[k] as number))
      }
      const minSigma = o.considerMagicClip ? range / Math.min(100, 1 + mus.length) : 1e-12
      sigmas = sigmas.map((s) => Math.min(Math.max(s, minSigma), range))
      if (considerPrior) sigmas[sigmas.length - 1] = range
      this.mus.push(mus)
      this.sigmas.push(sigmas)
    }
  }

  /** Draws `count` points (per dimension: internal coordinate or choice index, already quantized). */
  sample(rng: Rng, count: number): number[][] {
    const w = this.logW.map((x) => Math.exp(x))
    const out: number[][] = []
    for (let s = 0; s < count; s++) {
      const c = rng.weightedIndex(w)
      const pt: number[] = []
      for (let j = 0; j < this.dims.length; j++) {
        const d = this.dims[j] as Dim
        if (d.type === 'cat') {
          pt.push(rng.weightedIndex((this.catLogP[j]![c] as number[]).map((x) => Math.exp(x))))
          continue
        }
        const x = truncNormSample(rng.random(), this.mus[j]![c] as number, this.sigmas[j]![c] as number, d.low, d.high)
        // Quantize now so l and g are evaluated at the value that will actually run.
        pt.push(toObs(d, fromObs(d, x)))
      }
      out.push(pt)
    }
    return out
  }

  /** log density (log mass for quantized / categorical dimensions) of each point. */
  logPdf(points: number[][]): number[] {
    return points.map((pt) => {
      const terms = this.logW.map((lw, c) => {
        let s = lw
        for (let j = 0; j < this.dims.length; j++) {
          const d = this.dims[j] as Dim
          const x = pt[j] as number
          if (d.type === 'cat') {
            s += this.catLogP[j]![c]![x] as number
            continue
          }
          const mu = this.mus[j]![c] as number
          const sg = this.sigmas[j]![c] as number
          const norm = logNormMass((d.low - mu) / sg, (d.high - mu) / sg)
          if (d.half === undefined) s += normLogPdf((x - mu) / sg) - (this.logSigmaTerm ? Math.log(sg) : 0) - norm
          else {
            // Mass of the value's cell, cell edges taken in original units then transformed.
            const v = d.param.kind === 'discrete' ? x : d.log ? Math.exp(x) : x
            let lo = v - d.half
            let hi = v + d.half
            if (d.log) {
              lo = Math.log(Math.max(lo, 1e-300))
              hi = Math.log(hi)
            }
            lo = Math.max(lo, d.low)
            hi = Math.min(hi, d.high)
            s += logNormMass((lo - mu) / sg, (hi - mu) / sg) - norm
          }
        }
        return s
      })
      return logSumExp(terms)
    })
  }
}

/** Sort key of an observation for the good/bad split, as Optuna 3.1 (complete < pruned by depth < running). */
function lossKey(t: Trial, sign: number): [number, number] {
  if (t.state === 'complete') return [-Infinity, sign * (t.value as number)]
  if (t.state === 'pruned') {
    const steps = Object.keys(t.intermediate).map(Number)
    if (steps.length === 0) return [Infinity, 0]
    const last = Math.max(...steps)
    return [-last, sign * (t.intermediate[last] as number)]
  }
  return [-Infinity, Infinity] // running, under the constant liar: the worst complete value
}

function conditionKey(c: Condition | undefined): string {
  return c ? JSON.stringify([c.parent, c.values]) : ''
}

/**
 * Tree-structured Parzen Estimator, as Optuna's `TPESampler`: after `nStartupTrials` random
 * trials, the finished trials are split into the best γ(n) ("good", l(x)) and the rest (g(x));
 * `nEiCandidates` candidates are drawn from l and the one maximizing l(x)/g(x) — equivalent to
 * maximizing expected improvement under TPE's model — is proposed.
 *
 * - Univariate (default): each parameter independently, from the trials that have it.
 * - `multivariate`: the parameters sampled together are modelled jointly.
 * - Conditional parameters are handled by group: parameters sharing one condition (e.g. "only
 *   when optimizer = sgd") form a group, sampled once its parent is decided, from the trials in
 *   which that group was active — so a branch's model never mixes in trials that lacked it.
 * - Log scales are modelled in log space; ints / stepped floats / lists have quantized kernels.
 * - Deterministic: the proposal for trial k depends only on (seed, trials so far).
 */
export class TPESampler implements Sampler {
  readonly name = 'tpe'
  private readonly o: Required<Omit<TPEOptions, 'seed'>>

  constructor(private readonly options: TPEOptions = {}) {
    this.o = {
      nStartupTrials: options.nStartupTrials ?? 10,
      nEiCandidates: options.nEiCandidates ?? 24,
      gamma: options.gamma ?? defaultGamma,
      weights: options.weights ?? defaultWeights,
      priorWeight: options.priorWeight ?? 1,
      considerPrior: options.considerPrior ?? true,
      considerMagicClip: options.considerMagicClip ?? true,
      considerEndpoints: options.considerEndpoints ?? false,
      multivariate: options.multivariate ?? false,
      constantLiar: options.constantLiar ?? false,
      normalizedKernels: options.normalizedKernels ?? false
    }
  }

  ask(study: StudyView, space: SearchSpace): Params {
    const trials = study.trials()
    return this.propose(trials, study.direction, space, new Rng(this.options.seed ?? 0, trials.length))
  }

  /**
   * `n` proposals for parallel workers: each later proposal sees the earlier ones as running
   * trials with the constant liar, so the batch spreads out even without `constantLiar`.
   */
  askBatch(study: StudyView, space: SearchSpace, n: number): Params[] {
    const trials = [...study.trials()]
    const out: Params[] = []
    const liar = new TPESampler({ ...this.options, constantLiar: true })
    for (let i = 0; i < n; i++) {
      const rng = new Rng(this.options.seed ?? 0, trials.length)
      const p = (i === 0 ? this : liar).propose(trials, study.direction, space, rng)
      out.push(p)
      trials.push({ number: trials.length, state: 'running', params: p, intermediate: {}, attrs: {} })
    }
    return out
  }

  private propose(trials: readonly Trial[], direction: Direction, space: SearchSpace, rng: Rng): Params {
    const finished = trials.filter((t) => t.state === 'complete' || t.state === 'pruned')
    if (finished.length < this.o.nStartupTrials) return sampleUniform(space, rng)
    const sign = direction === 'minimize' ? 1 : -1
    const observed = trials.filter((t) => t.state === 'complete' || t.state === 'pruned' || (this.o.constantLiar && t.state === 'running'))
    const out: Params = {}
    const done = new Set<string>()
    for (const p of space.params) {
      if (done.has(p.name) || !isActive(p, out)) continue
      const group = this.o.multivariate ? space.params.filter((q) => !done.has(q.name) && conditionKey(q.when) === conditionKey(p.when)) : [p]
      for (const q of group) done.add(q.name)
      const values = this.sampleGroup(group, observed, sign, rng)
      group.forEach((q, j) => (out[q.name] = values[j] as ParamValue))
    }
    return out
  }

  private sampleGroup(group: ParamSpec[], observed: readonly Trial[], sign: number, rng: Rng): ParamValue[] {
    const dims = group.map(dimOf)
    const rows = observed.filter((t) => group.every((q) => t.params[q.name] !== undefined && inDomain(q, t.params[q.name] as ParamValue)))
    // Pruned trials with no report and running liars are placed by their key; ties keep trial order.
    const keyed = rows.map((t, i) => ({ i, key: lossKey(t, sign) }))
    const sorted = [...keyed].sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.i - b.i)
    const nBelow = Math.min(this.o.gamma(rows.length), rows.length)
    const belowIdx = new Set(sorted.slice(0, nBelow).map((x) => x.i))
    const toRow = (t: Trial): number[] => dims.map((d) => toObs(d, t.params[d.param.name] as ParamValue))
    const below = rows.filter((_, i) => belowIdx.has(i)).map(toRow)
    const above = rows.filter((_, i) => !belowIdx.has(i)).map(toRow)
    const est = { ...this.o }
    const l = new ParzenEstimator(dims, below, est)
    const g = new ParzenEstimator(dims, above, est)
    const candidates = l.sample(rng, this.o.nEiCandidates)
    const ll = l.logPdf(candidates)
    const lg = g.logPdf(candidates)
    let best = 0
    for (let i = 1; i < candidates.length; i++) if ((ll[i] as number) - (lg[i] as number) > (ll[best] as number) - (lg[best] as number)) best = i
    const pick = candidates[best] as number[]
    return dims.map((d, j) => fromObs(d, pick[j] as number))
  }
}
