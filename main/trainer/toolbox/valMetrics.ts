/**
 * The val metrics a run asks for in RunConfig.metrics beyond loss and accuracy, from the model's
 * predictions on the val split: top-k accuracy, precision / recall / F1 (class 1 for a binary
 * task, the macro mean otherwise), ROC AUC (binary only) and R² (regression). Names follow
 * METRIC in preload/contract/types.ts. Pure arithmetic (evaluation/), no TF.js.
 */
import { METRIC, valTopKMetric, type MetricName } from '../../../preload/contract/types'
import { classificationReport, confusionMatrix, topKAccuracy } from '../evaluation/classification'
import { rocCurve } from '../evaluation/binary'
import { r2Score } from '../evaluation/regression'

/** Whether any of `metrics` needs predictions (accuracy alone comes from evaluate). */
export function needsPredictions(metrics: readonly MetricName[], classification: boolean): boolean {
  return metrics.some((m) => (classification ? m !== 'accuracy' && m !== 'r2' : m === 'r2'))
}

/**
 * Metric name → value for `metrics` on predictions `pred` (n × outputSize) of `labels` (class
 * indices, or n × targets floats for regression). Metrics that do not fit the task are skipped
 * (AUC on more than two classes, R² on a classifier); non-finite values are left out.
 */
export function valMetrics(metrics: readonly MetricName[], opts: {
  classification: boolean; numClasses: number; labels: ArrayLike<number>; pred: Float32Array; outputSize: number; topK: number
}): Record<string, number> {
  const out: Record<string, number> = {}
  const put = (name: string, v: number): void => { if (Number.isFinite(v)) out[name] = v }
  const { classification, numClasses: k, labels, pred, outputSize } = opts
  const n = labels.length
  if (!classification) {
    if (metrics.includes('r2')) put(METRIC.valR2, r2Score(labels, pred, outputSize))
    return out
  }
  // Class scores n × k (a single sigmoid unit becomes [1−p, p]).
  let scores = pred
  if (outputSize === 1 && k === 2) {
    scores = new Float32Array(n * 2)
    for (let i = 0; i < n; i++) { scores[i * 2] = 1 - pred[i]!; scores[i * 2 + 1] = pred[i]! }
  }
  const predicted = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    let best = 0
    for (let c = 1; c < k; c++) if (scores[i * k + c]! > scores[i * k + best]!) best = c
    predicted[i] = best
  }
  if (metrics.includes('topK') && opts.topK < k) put(valTopKMetric(opts.topK), topKAccuracy(scores, labels, k, opts.topK))
  if (metrics.some((m) => m === 'precision' || m === 'recall' || m === 'f1')) {
    const rep = classificationReport(confusionMatrix(labels, predicted, k))
    const s = k === 2 ? rep.perClass[1]! : rep.macro
    if (metrics.includes('precision')) put(METRIC.valPrecision, s.precision)
    if (metrics.includes('recall')) put(METRIC.valRecall, s.recall)
    if (metrics.includes('f1')) put(METRIC.valF1, s.f1)
  }
  if (metrics.includes('auc') && k === 2) {
    const pos = new Float32Array(n)
    for (let i = 0; i < n; i++) pos[i] = scores[i * 2 + 1]!
    put(METRIC.valAuc, rocCurve(labels, pos).auc)
  }
  return out
}
