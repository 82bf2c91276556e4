import { describe, expect, it } from 'vitest'
import {
  accuracy, argmaxRows, classificationReport, confusionMatrix, DISTRIBUTION_PERCENTILES, histogram,
  huberError, meanAbsoluteError, meanSquaredError, precisionRecallCurve, predictedVsActual,
  quantileSorted, r2Score, regressionReport, residualHistogram, rocCurve, summarizeDistribution,
  topKAccuracy, trapezoid
} from '../../../../main/trainer/evaluation'

const close = (actual: number[], expected: number[], digits = 6): void => {
  expect(actual.length).toBe(expected.length)
  actual.forEach((v, i) => expect(v, `index ${i}`).toBeCloseTo(expected[i]!, digits))
}

describe('classification', () => {
  it('confusion matrix: sklearn docs example', () => {
    // sklearn.metrics.confusion_matrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2]) → [[2,0,0],[0,0,1],[1,0,2]]
    const cm = confusionMatrix(Int32Array.from([2, 0, 2, 2, 0, 1]), Int32Array.from([0, 0, 2, 2, 0, 2]), 3)
    expect(cm.counts).toEqual([[2, 0, 0], [0, 0, 1], [1, 0, 2]])
    expect(cm.support).toEqual([2, 1, 3])
    // normalize='true' divides each row by its support.
    close(cm.normalized.flat(), [1, 0, 0, 0, 0, 1, 1 / 3, 0, 2 / 3])
    expect(() => confusionMatrix([0, 3], [0, 0], 3)).toThrow(/label 3/)
  })

  it('classification report: sklearn docs example', () => {
    // sklearn classification_report([0, 1, 2, 2, 2], [0, 0, 2, 2, 1]):
    // class 0 P .50 R 1.00 F1 .67; class 1 0/0/0; class 2 P 1.00 R .67 F1 .80;
    // accuracy .60; macro P .50 R .56 F1 .49; weighted P .70 R .60 F1 .61
    const r = classificationReport(confusionMatrix([0, 1, 2, 2, 2], [0, 0, 2, 2, 1], 3))
    close(r.perClass.map((c) => c.precision), [0.5, 0, 1])
    close(r.perClass.map((c) => c.recall), [1, 0, 2 / 3])
    close(r.perClass.map((c) => c.f1), [2 / 3, 0, 0.8])
    expect(r.perClass.map((c) => c.support)).toEqual([1, 1, 3])
    expect(r.accuracy).toBeCloseTo(0.6, 10)
    close([r.macro.precision, r.macro.recall, r.macro.f1], [0.5, (1 + 2 / 3) / 3, (2 / 3 + 0.8) / 3])
    close([r.weighted.precision, r.weighted.recall, r.weighted.f1], [0.7, 0.6, (2 / 3 + 3 * 0.8) / 5])
    expect(r.macro.f1).toBeCloseTo(0.49, 2)
    expect(r.weighted.f1).toBeCloseTo(0.61, 2)
  })

  it('argmax, accuracy and top-k (sklearn docs example, and ties as in_top_k)', () => {
    const scores = Float32Array.from([0.5, 0.2, 0.2, 0.3, 0.4, 0.2, 0.2, 0.4, 0.3, 0.7, 0.2, 0.1])
    const labels = Int32Array.from([0, 1, 2, 2])
    expect(Array.from(argmaxRows(scores, 3))).toEqual([0, 1, 1, 0])
    expect(accuracy(labels, argmaxRows(scores, 3))).toBe(0.5)
    // sklearn.metrics.top_k_accuracy_score([0, 1, 2, 2], scores, k=2) == 0.75
    expect(topKAccuracy(scores, labels, 3, 2)).toBe(0.75)
    expect(topKAccuracy(scores, labels, 3, 1)).toBe(0.5)
    expect(topKAccuracy(scores, labels, 3, 3)).toBe(1)
    // A tie at the boundary counts as a hit (tf.math.in_top_k): label 2 ties class 1 for 2nd place.
    expect(topKAccuracy([0.6, 0.2, 0.2], [2], 3, 2)).toBe(1)
    expect(topKAccuracy([0.6, 0.3, 0.1], [2], 3, 2)).toBe(0)
  })
})

describe('binary curves', () => {
  it('ROC curve and AUC: sklearn docs examples', () => {
    // sklearn roc_curve([1,1,2,2], [0.1,0.4,0.35,0.8], pos_label=2):
    // fpr [0, 0, .5, .5, 1], tpr [0, .5, .5, 1, 1], thresholds [inf, .8, .4, .35, .1]
    const r = rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    expect(r.fpr).toEqual([0, 0, 0.5, 0.5, 1])
    expect(r.tpr).toEqual([0, 0.5, 0.5, 1, 1])
    expect(r.thresholds).toEqual([Infinity, 0.8, 0.4, 0.35, 0.1])
    // roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
    expect(r.auc).toBeCloseTo(0.75, 12)
  })

  it('ties form one threshold; collinear points are dropped as sklearn does', () => {
    // All scores equal: one threshold, the diagonal, AUC 0.5 (sklearn: roc_auc_score([0,1,0,1],[.5]*4) == .5).
    const tie = rocCurve([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])
    expect(tie.fpr).toEqual([0, 1])
    expect(tie.tpr).toEqual([0, 1])
    expect(tie.auc).toBe(0.5)
    // y = [1,1,1,0,0,0] by descending score: fps [0,0,0,1,2,3], tps [1,2,3,3,3,3]; sklearn keeps the
    // indices where a second difference is non-zero plus both ends: 0, 2, 5 (thresholds .9, .7, .1),
    // then prepends (0, 0).
    const perfect = rocCurve([1, 1, 1, 0, 0, 0], [0.9, 0.8, 0.7, 0.3, 0.2, 0.1])
    expect(perfect.fpr).toEqual([0, 0, 0, 1])
    expect(perfect.tpr).toEqual([0, 1 / 3, 1, 1])
    expect(perfect.thresholds).toEqual([Infinity, 0.9, 0.7, 0.1])
    expect(perfect.auc).toBe(1)
    // Hand count of AUC as P(score⁺ > score⁻) + ½P(tie): positives .8,.4(tie with a negative .4),.6; negatives .4,.2
    // pairs: (.8>.4,.8>.2,.6>.4,.6>.2,.4=.4 → ½, .4>.2) = 5.5/6
    expect(rocCurve([1, 1, 1, 0, 0], [0.8, 0.4, 0.6, 0.4, 0.2]).auc).toBeCloseTo(5.5 / 6, 12)
    expect(Number.isNaN(rocCurve([1, 1], [0.2, 0.3]).auc)).toBe(true)
  })

  it('precision-recall curve and average precision: sklearn docs example', () => {
    // sklearn precision_recall_curve([0,0,1,1], [0.1,0.4,0.35,0.8]):
    // precision [.5, .6667, .5, 1, 1], recall [1, 1, .5, .5, 0], thresholds [.1, .35, .4, .8]
    const pr = precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    close(pr.precision, [0.5, 2 / 3, 0.5, 1, 1])
    close(pr.recall, [1, 1, 0.5, 0.5, 0])
    expect(pr.thresholds).toEqual([0.1, 0.35, 0.4, 0.8])
    // average_precision_score(...) == 0.8333: (1−1)·.5 + (1−.5)·(2/3) + 0 + (.5−0)·1
    expect(pr.averagePrecision).toBeCloseTo(0.5 * (2 / 3) + 0.5, 12)
    expect(trapezoid([0, 1], [0, 1])).toBe(0.5)
  })
})

describe('regression', () => {
  it('MSE, MAE, Huber and R²: sklearn docs examples and hand counts', () => {
    const y = [3, -0.5, 2, 7]
    const p = [2.5, 0.0, 2, 8]
    // sklearn: mean_squared_error == 0.375, mean_absolute_error == 0.5, r2_score == 0.9486081370449679
    expect(meanSquaredError(y, p)).toBeCloseTo(0.375, 12)
    expect(meanAbsoluteError(y, p)).toBeCloseTo(0.5, 12)
    expect(r2Score(y, p)).toBeCloseTo(0.9486081370449679, 12)
    // Huber δ=1 on errors (−.5, .5, 0, 1): ½(.25+.25+0+1)/4 = 0.1875; an error of 3 adds 1·(3−.5) = 2.5
    expect(huberError(y, p)).toBeCloseTo(0.1875, 12)
    expect(huberError([0], [3])).toBeCloseTo(2.5, 12)
    // sklearn r2_score([[.5,1],[-1,1],[7,-6]], [[0,2],[-1,2],[8,-5]]) == 0.9368005266622779 (uniform average)
    expect(r2Score([0.5, 1, -1, 1, 7, -6], [0, 2, -1, 2, 8, -5], 2)).toBeCloseTo(0.9368005266622779, 12)
    // Constant targets: sklearn (force_finite) gives 1.0 when exact, 0.0 otherwise.
    expect(r2Score([-2, -2, -2], [-2, -2, -2])).toBe(1)
    expect(r2Score([-2, -2, -2], [-2, -2, -2 + 1e-8])).toBe(0)
    const rep = regressionReport(Float32Array.from(y), Float32Array.from(p))
    expect(rep.rmse).toBeCloseTo(Math.sqrt(0.375), 6)
    expect(rep.count).toBe(4)
  })

  it('histograms match numpy.histogram, including values on computed edges', () => {
    // np.histogram([0,1,2,3,4], bins=4) → counts [1,1,1,2], edges [0,1,2,3,4] (last bin closed)
    const h = histogram([0, 1, 2, 3, 4], 4)
    expect(Array.from(h.counts)).toEqual([1, 1, 1, 2])
    expect(Array.from(h.edges)).toEqual([0, 1, 2, 3, 4])
    // np.histogram([.1,.2,.3,.7,1,-1], bins=5) → [1,0,2,1,2]: 0.2 sits below the computed edge 0.2000000000000002
    expect(Array.from(histogram([0.1, 0.2, 0.3, 0.7, 1.0, -1.0], 5).counts)).toEqual([1, 0, 2, 1, 2])
    // All equal: numpy uses [v−.5, v+.5].
    const same = histogram([3, 3, 3], 2)
    expect(Array.from(same.edges)).toEqual([2.5, 3, 3.5])
    expect(Array.from(same.counts)).toEqual([0, 3])
    expect(Array.from(residualHistogram([1, 2, 3, 4], [1, 2, 3, 6], 2).counts)).toEqual([3, 1])
  })

  it('predicted-vs-actual thins deterministically', () => {
    const y = Float32Array.from({ length: 10 }, (_, i) => i)
    const r = predictedVsActual(y, y.map((v) => v * 2), { maxPoints: 4 })
    expect(r.stride).toBe(3)
    expect(Array.from(r.actual)).toEqual([0, 3, 6, 9])
    expect(Array.from(r.predicted)).toEqual([0, 6, 12, 18])
    const two = predictedVsActual([1, 10, 2, 20], [1.5, 11, 2.5, 21], { numTargets: 2, target: 1 })
    expect(Array.from(two.actual)).toEqual([10, 20])
  })
})

describe('distributions', () => {
  it('quantile bands are numpy percentiles at TensorBoard\'s basis points', () => {
    const x = Float32Array.from({ length: 100 }, (_, i) => 99 - i)
    const s = summarizeDistribution(x, { bins: 10 })
    // np.percentile(np.arange(100.), [6.68, 15.87, 30.85, 50, 69.15, 84.13, 93.32])
    close(s.quantiles, [0, 6.6132, 15.7113, 30.5415, 49.5, 68.4585, 83.2887, 92.3868, 99], 9)
    expect(DISTRIBUTION_PERCENTILES.length).toBe(s.quantiles.length)
    expect([s.min, s.max, s.count, s.nonFinite]).toEqual([0, 99, 100, 0])
    expect(s.mean).toBeCloseTo(49.5, 12)
    // population std of 0..99 = sqrt((100²−1)/12)
    expect(s.std).toBeCloseTo(Math.sqrt((100 * 100 - 1) / 12), 10)
    expect(Array.from(s.histogram.counts)).toEqual(new Array(10).fill(10))
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5)
  })

  it('counts NaN/∞ apart and samples big tensors deterministically', () => {
    const s = summarizeDistribution([1, Number.NaN, 2, Infinity, 3])
    expect([s.count, s.nonFinite, s.min, s.max]).toEqual([3, 2, 1, 3])
    const big = Float32Array.from({ length: 3_000_000 }, (_, i) => (i % 1000) / 1000)
    const b = summarizeDistribution(big, { maxSamples: 100_000 })
    expect(b.count).toBe(100_000)
    expect(b.quantiles[4]).toBeCloseTo(0.5, 2)
    expect(b.max).toBeCloseTo(0.999, 6)
    const empty = summarizeDistribution([Number.NaN])
    expect(Number.isNaN(empty.mean) && empty.nonFinite === 1).toBe(true)
  })
})
