import { describe, expect, it } from 'vitest'
import {
  checkpointMarkSeries, checkpointMetric, commonRange, confusionCells, confusionLabel, confusionOption, distributionBands,
  distributionOption, fmt, normalizeRows, pairs, predictedVsActualOption, prOption, probabilityOption, residualOption,
  rocOption, topClasses, topConfusions
} from '../../renderer/src/lib/evalCharts'
import { confusionMatrix, DISTRIBUTION_PERCENTILES, precisionRecallCurve, rocCurve, summarizeDistribution } from '../../main/trainer/evaluation'

const colors = { palette: ['#a', '#b', '#c', '#d', '#e'], text: '#t', muted: '#m', diverging: ['#1', '#2', '#3'] as [string, string, string] }
const labels = { save: 'Save', zoom: 'Zoom', zoomBack: 'Back', restore: 'Reset' }
type AnyOpt = Record<string, any>

describe('confusion matrix', () => {
  it('normalizes rows like evaluation/classification.ts, empty rows stay zero', () => {
    const counts = [[3, 1, 0], [0, 0, 0], [2, 2, 4]]
    expect(normalizeRows(counts)).toEqual([[0.75, 0.25, 0], [0, 0, 0], [0.25, 0.25, 0.5]])
    const cm = confusionMatrix([0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2], [0, 0, 0, 1, 0, 0, 1, 1, 2, 2, 2, 2], 3)
    expect(normalizeRows(cm.counts)).toEqual(cm.normalized)
  })

  it('puts predicted on x and true on y, and labels percentages or counts', () => {
    const cells = confusionCells([[5, 1], [2, 0]], false)
    expect(cells).toEqual([[0, 0, 5], [1, 0, 1], [0, 1, 2], [1, 1, 0]])
    expect(confusionCells([[3, 1], [0, 0]], true)[0]).toEqual([0, 0, 0.75])
    expect(confusionLabel(0, false)).toBe('')
    expect(confusionLabel(12, false)).toBe('12')
    expect(confusionLabel(0.756, true)).toBe('75.6%')
    expect(confusionLabel(1, true)).toBe('100%')
  })

  it('builds a heat map whose scale tops at the largest count (or 1 when normalized)', () => {
    const o = confusionOption([[9, 1], [3, 7]], ['cat', 'dog'], false, colors, false, { predicted: 'P', actual: 'A', save: 'S' }, 'run-cm') as AnyOpt
    expect(o.xAxis.data).toEqual(['cat', 'dog'])
    expect(o.yAxis.inverse).toBe(true)
    expect(o.visualMap.max).toBe(9)
    expect(o.series[0].type).toBe('heatmap')
    expect(o.series[0].data).toHaveLength(4)
    expect(o.series[0].data[0].label.color).toBe('#ffffff')
    expect(o.series[0].data[1].label.color).toBe('#t')
    expect(o.toolbox.feature.saveAsImage.name).toBe('run-cm')
    const n = confusionOption([[9, 1], [3, 7]], ['cat', 'dog'], true, colors, true, { predicted: 'P', actual: 'A', save: 'S' }, 'x') as AnyOpt
    expect(n.visualMap.max).toBe(1)
    expect(n.toolbox.feature.saveAsImage.backgroundColor).toBe('#0d1117')
    // Class names that do not match the matrix fall back to indices.
    const k = confusionOption([[1]], [], false, colors, false, { predicted: 'P', actual: 'A', save: 'S' }, 'x') as AnyOpt
    expect(k.xAxis.data).toEqual(['0'])
  })

  it('lists the largest confusions first, or the diagonal when there are none', () => {
    expect(topConfusions([[5, 2, 0], [4, 6, 1], [0, 4, 3]], 3)).toEqual([
      { actual: 1, predicted: 0, count: 4 }, { actual: 2, predicted: 1, count: 4 }, { actual: 0, predicted: 1, count: 2 }
    ])
    expect(topConfusions([[5, 0], [0, 2]])).toEqual([{ actual: 0, predicted: 0, count: 5 }, { actual: 1, predicted: 1, count: 2 }])
    expect(topConfusions([[0, 0], [0, 0]])).toEqual([])
  })
})

describe('curves', () => {
  const y = [0, 0, 1, 1, 0, 1, 1, 0]
  const s = [0.1, 0.4, 0.35, 0.8, 0.2, 0.9, 0.6, 0.55]

  it('draws ROC from rocCurve with the chance diagonal, dropping undefined rates', () => {
    const roc = rocCurve(y, s)
    const o = rocOption(roc, colors, false, { ...labels, x: 'FPR', y: 'TPR', name: 'AUC', chance: 'chance' }, 'roc') as AnyOpt
    expect(o.series[0].data).toEqual(roc.fpr.map((f, i) => [f, roc.tpr[i]]))
    expect(o.series[1].data).toEqual([[0, 0], [1, 1]])
    expect(o.xAxis.max).toBe(1)
    expect(pairs([0, Number.NaN, 1], [0, 0.5, Number.POSITIVE_INFINITY])).toEqual([[0, 0]])
  })

  it('draws PR with recall increasing as a step line', () => {
    const pr = precisionRecallCurve(y, s)
    const o = prOption(pr, colors, false, { ...labels, x: 'R', y: 'P', name: 'AP' }, 'pr') as AnyOpt
    const xs = (o.series[0].data as number[][]).map((p) => p[0]!)
    expect([...xs].sort((a, b) => a - b)).toEqual(xs)
    expect(o.series[0].step).toBe('end')
    expect(xs[0]).toBe(0)
    expect(xs[xs.length - 1]).toBe(1)
  })
})

describe('regression', () => {
  it('shares one range on both axes and draws the y = x line across it', () => {
    expect(commonRange([1, 2, 3], [0, 5])).toEqual([-0.1, 5.1])
    expect(commonRange([2, 2], [2])).toEqual([1.5, 2.5])
    expect(commonRange([Number.NaN], [])).toEqual([0, 1])
    const o = predictedVsActualOption([1, 2, 3], [1.1, 1.9, 3.2], colors, false, { ...labels, actual: 'A', predicted: 'P', ideal: 'I' }, 'x') as AnyOpt
    expect(o.xAxis.min).toBe(o.yAxis.min)
    expect(o.xAxis.max).toBe(o.yAxis.max)
    expect(o.series[1].data).toEqual([[o.xAxis.min, o.xAxis.min], [o.xAxis.max, o.xAxis.max]])
    expect(o.series[0].data).toEqual([[1, 1.1], [2, 1.9], [3, 3.2]])
  })

  it('puts residual bars at bin centres', () => {
    const o = residualOption({ edges: [-1, 0, 1, 2], counts: [2, 5, 1] }, colors, false, { ...labels, residual: 'R', count: 'C' }, 'x') as AnyOpt
    expect(o.series[0].data).toEqual([[-0.5, 2], [0.5, 5], [1.5, 1]])
  })

  it('formats numbers compactly', () => {
    expect(fmt(0.123456)).toBe('0.123')
    expect(fmt(123456)).toBe('1.23e+5')
    expect(fmt(0)).toBe('0')
    expect(fmt(Number.NaN)).toBe('NaN')
  })
})

describe('prediction bars', () => {
  it('sorts classes by probability and colours the winner', () => {
    expect(topClasses([0.1, 0.7, 0.2], ['a', 'b', 'c'], 2)).toEqual([{ index: 1, name: 'b', p: 0.7 }, { index: 2, name: 'c', p: 0.2 }])
    const o = probabilityOption([0.1, 0.7, 0.2], ['a', 'b', 'c'], colors, { probability: 'p' }) as AnyOpt
    expect(o.yAxis.data).toEqual(['b', 'c', 'a'])
    expect(o.series[0].data[0].itemStyle.color).toBe('#a')
    expect(o.series[0].data[1].itemStyle.color).toBe('#m')
  })
})

describe('distribution bands', () => {
  it('pairs quantiles from outside in, sorted by epoch, median in the middle', () => {
    const q = (base: number) => [0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => base + i)
    const b = distributionBands([{ epoch: 2, quantiles: q(10) }, { epoch: 1, quantiles: q(0) }])
    expect(b.x).toEqual([1, 2])
    expect(b.bands).toHaveLength(4)
    expect(b.bands[0]).toEqual({ lower: [0, 10], upper: [8, 18] })
    expect(b.bands[3]).toEqual({ lower: [3, 13], upper: [5, 15] })
    expect(b.median).toEqual([4, 14])
  })

  it('skips epochs with a non-finite quantile (a diverged layer) or the wrong count', () => {
    const ok = [0, 1, 2, 3, 4, 5, 6, 7, 8]
    const b = distributionBands([
      { epoch: 1, quantiles: ok },
      { epoch: 2, quantiles: [...ok.slice(0, 8), Number.NaN] },
      { epoch: 3, quantiles: [1, 2] },
      { epoch: 4, quantiles: ok }
    ])
    expect(b.x).toEqual([1, 4])
    const dup = distributionBands([{ epoch: 1, quantiles: ok }, { epoch: 1, quantiles: ok.map((v) => v + 1) }])
    expect(dup.x).toEqual([1])
    expect(dup.median).toEqual([5])
  })

  it('matches summarizeDistribution of a Gaussian: bands nest and widen outwards', () => {
    let seed = 7
    const rnd = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31 }
    const gauss = Array.from({ length: 20000 }, () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd()))
    const s = summarizeDistribution(gauss)
    expect(s.quantiles).toHaveLength(DISTRIBUTION_PERCENTILES.length)
    const b = distributionBands([{ epoch: 1, quantiles: s.quantiles }])
    for (let i = 1; i < b.bands.length; i++) {
      expect(b.bands[i]!.lower[0]!).toBeGreaterThanOrEqual(b.bands[i - 1]!.lower[0]!)
      expect(b.bands[i]!.upper[0]!).toBeLessThanOrEqual(b.bands[i - 1]!.upper[0]!)
    }
    // ±1σ band of a standard normal.
    expect(b.bands[2]!.lower[0]!).toBeCloseTo(-1, 1)
    expect(b.bands[2]!.upper[0]!).toBeCloseTo(1, 1)
  })

  it('stacks each band on its lower edge with the band height', () => {
    const b = distributionBands([{ epoch: 1, quantiles: [0, 1, 2, 3, 4, 5, 6, 7, 8] }, { epoch: 2, quantiles: [1, 2, 3, 4, 5, 6, 7, 8, 9] }])
    const o = distributionOption(b, '#c', false, { ...labels, epoch: 'e', value: 'v', median: 'm' }, 'd') as AnyOpt
    expect(o.series).toHaveLength(4 * 2 + 1)
    expect(o.xAxis.type).toBe('category')
    expect(o.xAxis.data).toEqual(['1', '2'])
    expect(o.series[0].data).toEqual([0, 1])
    expect(o.series[1].data).toEqual([8, 8])
    expect(o.series[0].stack).toBe(o.series[1].stack)
    expect(o.series[2].stack).not.toBe(o.series[0].stack)
    // Weights straddle 0: the positive height must stack on a negative lower edge.
    expect(o.series[0].stackStrategy).toBe('all')
    // A box zoom that filtered data would drop the stack's invisible lower series (and the band).
    expect(o.toolbox.feature.dataZoom.filterMode).toBe('none')
    expect(o.series[1].stackStrategy).toBe('all')
    expect(o.series[8].data).toEqual([4, 5])
  })
})

describe('checkpoint markers', () => {
  it('reads the first metric name present', () => {
    expect(checkpointMetric({ 'epoch/val_loss': 0.3, val_loss: 0.9 }, ['epoch/val_loss', 'val_loss'])).toBe(0.3)
    expect(checkpointMetric({ val_loss: 0.9 }, ['epoch/val_loss', 'val_loss'])).toBe(0.9)
    expect(checkpointMetric({ val_loss: Number.NaN }, ['val_loss'])).toBeNull()
  })

  it('pins each checkpoint at its step, the best one bigger with a vertical line, deleted ones hollow', () => {
    const s = checkpointMarkSeries([
      { step: 10, epoch: 1, value: 0.5, best: false },
      { step: 20, epoch: 2, value: 0.3, best: true },
      { step: 30, epoch: 3, value: 0.4, best: false, deleted: true },
      { step: 40, epoch: 4, value: null, best: false }
    ], { normal: '#n', best: '#b', hollow: '#h' }, { name: 'ckpt', best: 'best', epoch: 'epoch' }) as AnyOpt[]
    expect(s).toHaveLength(1)
    expect(s[0]!.id).toBe('checkpoints')
    expect(s[0]!.data.map((d: AnyOpt) => d.value)).toEqual([[10, 0.5], [20, 0.3], [30, 0.4]])
    expect(s[0]!.data[1].itemStyle.color).toBe('#b')
    expect(s[0]!.data[1].symbolSize).toBeGreaterThan(s[0]!.data[0].symbolSize)
    expect(s[0]!.data[2].itemStyle.color).toBe('#h')
    expect(s[0]!.markLine.data).toEqual([{ xAxis: 20 }])
    expect(checkpointMarkSeries([], { normal: '', best: '', hollow: '' }, { name: '', best: '', epoch: '' })).toEqual([])
  })
})
