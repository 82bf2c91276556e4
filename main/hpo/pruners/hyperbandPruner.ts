import type { JsonValue, Pruner, StudyView, Trial } from '../types'
import { SuccessiveHalvingPruner } from './successiveHalvingPruner'
import { lastStep } from '../types'

/** Options of {@link HyperbandPruner}; defaults are Optuna's. */
export interface HyperbandOptions {
  /** Steps of the smallest rung. Default 1. */
  minResource?: number
  /** Steps a trial runs at most; `auto` (default) = last step of the first complete trial + 1. */
  maxResource?: number | 'auto'
  /** η. Default 3. */
  reductionFactor?: number
  bootstrapCount?: number
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

/** CRC-32 (zlib / Python's `binascii.crc32`) of a string's UTF-8 bytes. */
export function crc32(s: string): number {
  let c = 0xffffffff
  for (const b of new TextEncoder().encode(s)) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

/** A study view that shows a bracket's pruner only the trials of that bracket. */
class BracketView implements StudyView {
  constructor(
    private readonly inner: StudyView,
    private readonly inBracket: (t: Trial) => boolean
  ) {}
  get name(): string {
    return this.inner.name
  }
  get direction(): StudyView['direction'] {
    return this.inner.direction
  }
  trials(): readonly Trial[] {
    return this.inner.trials().filter(this.inBracket)
  }
  setTrialAttr(number: number, key: string, value: JsonValue): void {
    this.inner.setTrialAttr(number, key, value)
  }
}

/**
 * Hyperband, as Optuna's `HyperbandPruner`: several successive-halving brackets with different
 * early-stopping rates s = 0 … n−1 (n = ⌊log_η(max/min resource)⌋ + 1), each trial assigned to
 * one bracket by crc32("<study name>_<trial number>") weighted by the bracket's budget
 * ⌈n·η^(n−1−s) / (n−s)⌉ — the same assignment Optuna computes — and pruned only against the
 * trials of its bracket.
 */
export class HyperbandPruner implements Pruner {
  private readonly minResource: number
  private maxResource: number | undefined
  private readonly eta: number
  private readonly bootstrap: number
  private brackets: SuccessiveHalvingPruner[] | undefined
  private budgets: number[] = []

  constructor(options: HyperbandOptions = {}) {
    this.minResource = options.minResource ?? 1
    const mr = options.maxResource ?? 'auto'
    this.maxResource = mr === 'auto' ? undefined : mr
    this.eta = options.reductionFactor ?? 3
    this.bootstrap = options.bootstrapCount ?? 0
  }

  /** Number of brackets, once known (after max resource is known). */
  get nBrackets(): number | undefined {
    return this.brackets?.length
  }

  /** The bracket a trial belongs to (Optuna's `_get_bracket_id`). */
  bracketOf(studyName: string, trialNumber: number): number {
    if (!this.brackets || this.brackets.length <= 1) return 0
    const total = this.budgets.reduce((a, b) => a + b, 0)
    let budget = crc32(`${studyName}_${trialNumber}`) % total
    for (let i = 0; i < this.budgets.length; i++) {
      budget -= this.budgets[i] as number
      if (budget < 0) return i
    }
    return this.budgets.length - 1
  }

  prune(study: StudyView, trial: Trial): boolean {
    if (!this.brackets) {
      if (this.maxResource === undefined) {
        const steps = study.trials().filter((t) => t.state === 'complete').map(lastStep).filter((s): s is number => s !== undefined)
        if (steps.length === 0) return false
        this.maxResource = Math.max(...steps) + 1
      }
      const n = Math.floor(Math.log(this.maxResource / this.minResource) / Math.log(this.eta) + 1e-9) + 1
      this.brackets = Array.from({ length: n }, (_, s) => new SuccessiveHalvingPruner({ minResource: this.minResource, reductionFactor: this.eta, minEarlyStoppingRate: s, bootstrapCount: this.bootstrap }))
      this.budgets = Array.from({ length: n }, (_, s) => Math.ceil((n * this.eta ** (n - 1 - s)) / (n - s)))
    }
    const id = this.bracketOf(study.name, trial.number)
    const view = new BracketView(study, (t) => this.bracketOf(study.name, t.number) === id)
    return (this.brackets[id] as SuccessiveHalvingPruner).prune(view, trial)
  }
}
