/**
 * Evaluation of a model's outputs against a split's labels (issue 4): confusion matrix, per-class
 * table, top-k, ROC/PR for binary tasks, regression report with the scatter and residual
 * histogram data, and the loss. Pure: it takes the model's outputs as a flat Float32Array (one row
 * per example), so tests check it without TF.js and the evaluation job only adds predicting.
 */
import {
  classificationReport, confusionMatrix, precisionRecallCurve, predictedVsActual, regressionReport,
  residualHistogram, rocCurve, topKAccuracy
} from './index'
import type { EvaluationBody } from './jobProtocol'

const fin = (v: number): number | null => (Number.isFinite(v) ? v : null)

/**
 * Class probabilities from a classifier's output rows: a softmax head gives them as they are; a
 * single sigmoid unit on a 2-class task gives p(class 1), so the rows become [1 − p, p].
 */
export function toProbabilities(outputs: Float32Array, outputSize: number, numClasses: number): Float32Array {
  if (outputSize === numClasses) return outputs
  if (outputSize === 1 && numClasses === 2) {
    const n = outputs.length
    const p = new Float32Array(n * 2)
    for (let i = 0; i < n; i++) { p[2 * i] = 1 - outputs[i]!; p[2 * i + 1] = outputs[i]! }
    return p
  }
  throw new Error(`the model gives ${outputSize} outputs per example, the dataset has ${numClasses} classes`)
}

/**
 * Everything runs:evaluate reports, from `outputs` (count × outputSize) and labels `y`
 * (class indices, or count × numTargets regression targets).
 */
export function evaluateOutputs(opts: {
  task: 'classification' | 'regression'
  classNames: string[]
  outputs: Float32Array
  outputSize: number
  y: Int32Array | Float32Array
  examplesPerCell: number
}): EvaluationBody {
  const { task, classNames, outputSize, y } = opts
  const count = y.length / (task === 'regression' ? Math.max(1, outputSize) : 1)
  if (task === 'classification') {
    const k = classNames.length
    const probs = toProbabilities(opts.outputs, outputSize, k)
    const pred = new Int32Array(count)
    let loss = 0
    for (let i = 0; i < count; i++) {
      let best = 0
      for (let c = 1; c < k; c++) if (probs[i * k + c]! > probs[i * k + best]!) best = c
      pred[i] = best
      loss -= Math.log(Math.min(1, Math.max(1e-7, probs[i * k + y[i]!]!)))
    }
    const cm = confusionMatrix(y, pred, k)
    const report = classificationReport(cm)
    const examples = Array.from({ length: k }, () => Array.from({ length: k }, () => [] as number[]))
    for (let i = 0; i < count; i++) {
      const cell = examples[y[i]!]![pred[i]!]!
      if (cell.length < opts.examplesPerCell) cell.push(i)
    }
    const topK = [3, 5].filter((kk) => k > kk).map((kk) => ({ k: kk, accuracy: topKAccuracy(probs, y, k, kk) }))
    let roc: EvaluationBody['roc'] = null
    let pr: EvaluationBody['pr'] = null
    if (k === 2) {
      const scores = new Float32Array(count)
      for (let i = 0; i < count; i++) scores[i] = probs[i * 2 + 1]!
      const r = rocCurve(y, scores)
      const p = precisionRecallCurve(y, scores)
      roc = { fpr: r.fpr.map(fin), tpr: r.tpr.map(fin), thresholds: r.thresholds.map(fin), auc: fin(r.auc) }
      pr = { precision: p.precision.map(fin), recall: p.recall.map(fin), thresholds: p.thresholds.map(fin), averagePrecision: fin(p.averagePrecision) }
    }
    return {
      task, classNames, count, loss: count > 0 ? fin(loss / count) : null,
      confusion: cm, report, topK, examples, roc, pr, regression: null
    }
  }
  const yPred = opts.outputs
  const numTargets = Math.max(1, outputSize)
  const rep = regressionReport(y, yPred, numTargets)
  const pva = predictedVsActual(y, yPred, { numTargets, maxPoints: 2000 })
  const hist = residualHistogram(y, yPred, 30)
  return {
    task, classNames, count, loss: fin(rep.mse),
    confusion: null, report: null, topK: [], examples: null, roc: null, pr: null,
    regression: {
      report: { mse: rep.mse, rmse: rep.rmse, mae: rep.mae, huber: rep.huber, r2: fin(rep.r2), count: rep.count },
      actual: Array.from(pva.actual), predicted: Array.from(pva.predicted),
      indices: Array.from(pva.actual, (_, i) => i * pva.stride),
      residuals: { edges: Array.from(hist.edges), counts: Array.from(hist.counts) }
    }
  }
}
