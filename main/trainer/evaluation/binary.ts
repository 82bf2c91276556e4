/**
 * ROC and precision–recall curves for binary tasks, computed exactly as scikit-learn 1.5 does
 * (`roc_curve` with drop_intermediate=True, `precision_recall_curve`, `roc_auc_score`,
 * `average_precision_score`), so a learner can check the studio against a notebook. Examples
 * with equal scores form one threshold (ties are never split by example order).
 */
import type { Numbers } from './classification'

interface ClfCurve {
  /** False positives at each distinct threshold, highest threshold first. */
  fps: number[]
  tps: number[]
  thresholds: number[]
}

/** sklearn's _binary_clf_curve: cumulative TP/FP counts at each distinct score, highest first. */
function binaryClfCurve(yTrue: Numbers, scores: Numbers): ClfCurve {
  if (yTrue.length !== scores.length) throw new Error(`binary curves need as many scores (${scores.length}) as labels (${yTrue.length})`)
  const n = yTrue.length
  const order = Array.from({ length: n }, (_, i) => i)
  // Stable sort (Array.prototype.sort is stable): same order as sklearn's mergesort.
  order.sort((a, b) => scores[b]! - scores[a]!)
  const fps: number[] = []
  const tps: number[] = []
  const thresholds: number[] = []
  let tp = 0
  for (let r = 0; r < n; r++) {
    const i = order[r]!
    const y = yTrue[i]!
    if (y !== 0 && y !== 1) throw new Error(`binary curves need labels 0 or 1, example ${i} has ${y}`)
    tp += y
    const last = r === n - 1 || scores[order[r + 1]!]! !== scores[i]!
    if (last) {
      tps.push(tp)
      fps.push(r + 1 - tp)
      thresholds.push(scores[i]!)
    }
  }
  return { fps, tps, thresholds }
}

/** An ROC curve: false-positive rate against true-positive rate, one point per kept threshold. */
export interface RocCurve {
  fpr: number[]
  tpr: number[]
  /** Score thresholds, decreasing; the first is +Infinity (nothing predicted positive). */
  thresholds: number[]
  /** Area under the curve (trapezoids); NaN when only one class is present. */
  auc: number
}

/**
 * The ROC curve of scores for the positive class (label 1). Points on a straight segment are
 * dropped (sklearn's drop_intermediate), which keeps the chart light without changing its area.
 */
export function rocCurve(yTrue: Numbers, scores: Numbers): RocCurve {
  let { fps, tps, thresholds } = binaryClfCurve(yTrue, scores)
  if (fps.length > 2) {
    const keep: number[] = [0]
    for (let i = 1; i < fps.length - 1; i++) {
      // Second differences ≠ 0: the curve bends at i.
      const dF = fps[i + 1]! - 2 * fps[i]! + fps[i - 1]!
      const dT = tps[i + 1]! - 2 * tps[i]! + tps[i - 1]!
      if (dF !== 0 || dT !== 0) keep.push(i)
    }
    keep.push(fps.length - 1)
    fps = keep.map((i) => fps[i]!)
    tps = keep.map((i) => tps[i]!)
    thresholds = keep.map((i) => thresholds[i]!)
  }
  fps = [0, ...fps]
  tps = [0, ...tps]
  const negatives = fps[fps.length - 1]!
  const positives = tps[tps.length - 1]!
  const fpr = fps.map((f) => (negatives > 0 ? f / negatives : Number.NaN))
  const tpr = tps.map((t) => (positives > 0 ? t / positives : Number.NaN))
  return { fpr, tpr, thresholds: [Number.POSITIVE_INFINITY, ...thresholds], auc: negatives > 0 && positives > 0 ? trapezoid(fpr, tpr) : Number.NaN }
}

/** Area under y(x) by the trapezoidal rule (x increasing). */
export function trapezoid(x: number[], y: number[]): number {
  let area = 0
  for (let i = 1; i < x.length; i++) area += ((x[i]! - x[i - 1]!) * (y[i]! + y[i - 1]!)) / 2
  return area
}

/** A precision–recall curve, recall decreasing to a final (recall 0, precision 1) point as sklearn returns it. */
export interface PrCurve {
  precision: number[]
  recall: number[]
  /** Increasing thresholds; one fewer than the points (the last point has none). */
  thresholds: number[]
  /** Average precision: Σ (Rₙ − Rₙ₋₁)·Pₙ, the step-wise area (not the trapezoid, which is optimistic). */
  averagePrecision: number
}

/** Precision and recall of the positive class (label 1) at every distinct score threshold. */
export function precisionRecallCurve(yTrue: Numbers, scores: Numbers): PrCurve {
  const { fps, tps, thresholds } = binaryClfCurve(yTrue, scores)
  const positives = tps[tps.length - 1] ?? 0
  const precision = tps.map((t, i) => (t + fps[i]! > 0 ? t / (t + fps[i]!) : 0))
  const recall = tps.map((t) => (positives > 0 ? t / positives : 1))
  precision.reverse()
  recall.reverse()
  precision.push(1)
  recall.push(0)
  let ap = 0
  for (let i = 0; i < recall.length - 1; i++) ap -= (recall[i + 1]! - recall[i]!) * precision[i]!
  return { precision, recall, thresholds: [...thresholds].reverse(), averagePrecision: positives > 0 ? ap : Number.NaN }
}
