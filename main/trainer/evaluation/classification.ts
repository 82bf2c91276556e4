/**
 * Classification metrics on plain arrays: what the evaluation view shows after a run (confusion
 * matrix, per-class table, accuracy, top-k). Pure functions, no TF.js: the trainer computes the
 * predictions once on the validation or test split and hands the arrays here. Definitions follow
 * scikit-learn (confusion_matrix, precision_recall_fscore_support with zero_division=0,
 * top_k_accuracy_score) and Keras (in_top_k for ties), as each function says.
 */

/** Numbers the trainer produces: typed arrays or plain arrays. */
export type Numbers = ArrayLike<number>

/** Index of the largest of `k` scores per row of `scores` (n×k, row-major); ties go to the lowest class, as argmax does. */
export function argmaxRows(scores: Numbers, k: number): Int32Array {
  const n = Math.floor(scores.length / k)
  const out = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    let best = 0
    let bestV = scores[i * k]!
    for (let j = 1; j < k; j++) {
      const v = scores[i * k + j]!
      if (v > bestV) { bestV = v; best = j }
    }
    out[i] = best
  }
  return out
}

/** A confusion matrix: rows are true classes, columns predicted ones. */
export interface ConfusionMatrix {
  numClasses: number
  /** counts[t][p]: examples of class t predicted as p. */
  counts: number[][]
  /** Each row divided by its total (recall on the diagonal); a class with no examples gives a row of 0. */
  normalized: number[][]
  /** Row totals: examples per true class. */
  support: number[]
  total: number
}

/**
 * Counts true × predicted classes (sklearn's confusion_matrix with labels 0…k−1). Labels outside
 * [0, k) are an error: they mean the predictions and the dataset disagree on the classes.
 */
export function confusionMatrix(yTrue: Numbers, yPred: Numbers, numClasses: number): ConfusionMatrix {
  if (yTrue.length !== yPred.length) throw new Error(`confusion matrix needs as many predictions (${yPred.length}) as labels (${yTrue.length})`)
  const counts = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0))
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i]!
    const p = yPred[i]!
    if (!(t >= 0 && t < numClasses && Number.isInteger(t)) || !(p >= 0 && p < numClasses && Number.isInteger(p))) {
      throw new Error(`example ${i} has label ${t} and prediction ${p}; both must be classes 0…${numClasses - 1}`)
    }
    counts[t]![p]!++
  }
  const support = counts.map((row) => row.reduce((a, b) => a + b, 0))
  const normalized = counts.map((row, t) => row.map((c) => (support[t]! > 0 ? c / support[t]! : 0)))
  return { numClasses, counts, normalized, support, total: yTrue.length }
}

/** One row of the per-class table. */
export interface ClassScores {
  precision: number
  recall: number
  f1: number
  /** Examples of this class. */
  support: number
}

/** Per-class scores with macro and support-weighted averages (sklearn's classification_report). */
export interface ClassificationReport {
  perClass: ClassScores[]
  /** Unweighted mean over classes. */
  macro: Omit<ClassScores, 'support'>
  /** Mean over classes weighted by support. */
  weighted: Omit<ClassScores, 'support'>
  accuracy: number
  total: number
}

/**
 * Precision, recall and F1 per class from a confusion matrix. A 0/0 (a class never predicted, or
 * never present) counts as 0, as sklearn's zero_division=0 does; such classes still enter the
 * macro average, which is why it can sit below the weighted one.
 */
export function classificationReport(cm: ConfusionMatrix): ClassificationReport {
  const k = cm.numClasses
  const perClass: ClassScores[] = []
  let correct = 0
  for (let c = 0; c < k; c++) {
    const tp = cm.counts[c]![c]!
    correct += tp
    let predicted = 0
    for (let t = 0; t < k; t++) predicted += cm.counts[t]![c]!
    const precision = predicted > 0 ? tp / predicted : 0
    const recall = cm.support[c]! > 0 ? tp / cm.support[c]! : 0
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0
    perClass.push({ precision, recall, f1, support: cm.support[c]! })
  }
  const avg = (weight: (s: ClassScores) => number): Omit<ClassScores, 'support'> => {
    let w = 0
    const r = { precision: 0, recall: 0, f1: 0 }
    for (const s of perClass) {
      const ws = weight(s)
      w += ws
      r.precision += ws * s.precision
      r.recall += ws * s.recall
      r.f1 += ws * s.f1
    }
    return w > 0 ? { precision: r.precision / w, recall: r.recall / w, f1: r.f1 / w } : r
  }
  return {
    perClass,
    macro: avg(() => 1),
    weighted: avg((s) => s.support),
    accuracy: cm.total > 0 ? correct / cm.total : 0,
    total: cm.total
  }
}

/** Fraction of examples whose predicted class equals the label. */
export function accuracy(yTrue: Numbers, yPred: Numbers): number {
  if (yTrue.length !== yPred.length) throw new Error(`accuracy needs as many predictions (${yPred.length}) as labels (${yTrue.length})`)
  if (yTrue.length === 0) return 0
  let ok = 0
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) ok++
  return ok / yTrue.length
}

/**
 * Top-k accuracy from scores (n×k row-major) and integer labels: the label counts as found when
 * fewer than k classes score strictly higher than it. That is Keras's in_top_k rule, which gives
 * ties the benefit of the doubt (sklearn breaks ties by order instead); with distinct scores both
 * agree.
 */
export function topKAccuracy(scores: Numbers, labels: Numbers, numClasses: number, k: number): number {
  const n = labels.length
  if (scores.length !== n * numClasses) throw new Error(`top-k accuracy needs ${n}×${numClasses} scores, got ${scores.length}`)
  if (n === 0) return 0
  let hits = 0
  for (let i = 0; i < n; i++) {
    const target = scores[i * numClasses + labels[i]!]!
    let above = 0
    for (let j = 0; j < numClasses; j++) if (scores[i * numClasses + j]! > target) above++
    if (above < k) hits++
  }
  return hits / n
}
