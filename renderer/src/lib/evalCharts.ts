/**
 * Pure builders for the run view's evaluation and checkpoint charts: confusion-matrix heat map
 * (counts or row-normalized), ROC and precision–recall curves, predicted-vs-actual scatter and
 * residual histogram, class-probability bars, TensorBoard-style distribution bands and the
 * checkpoint markers on the loss/accuracy curves. Data, colours and
 * translated labels in, an ECharts option (or plain arrays) out: no DOM, no Vue, unit-tested in
 * test/renderer/evalCharts.test.ts.
 */
import type { ChartColors } from './datasetCharts'

type Option = Record<string, unknown>

/** The toolbox every evaluation chart carries: box zoom, reset, save as PNG. */
export function evalToolbox(
  labels: { save: string; zoom?: string; zoomBack?: string; restore?: string },
  name: string, dark: boolean, zoom = true
): Option {
  return {
    right: 6, top: 0, itemSize: 13,
    feature: {
      // filterMode 'none': box zoom only changes the axes' windows; 'filter' (the default) drops the
      // first series of a stacked band chart whose values fall outside the y window.
      ...(zoom ? { dataZoom: { filterMode: 'none', title: { zoom: labels.zoom ?? '', back: labels.zoomBack ?? '' } }, restore: { title: labels.restore ?? '' } } : {}),
      saveAsImage: { title: labels.save, name, pixelRatio: 2, backgroundColor: dark ? '#0d1117' : '#ffffff' }
    }
  }
}

// ── confusion matrix ────────────────────────────────────────────────────────────────────────────

/**
 * Rows divided by their totals (true-class recall on the diagonal). A row with no examples stays
 * all zero rather than NaN, as evaluation/classification.ts does.
 */
export function normalizeRows(counts: number[][]): number[][] {
  return counts.map((row) => {
    const total = row.reduce((a, b) => a + b, 0)
    return row.map((c) => (total > 0 ? c / total : 0))
  })
}

/** Heat-map cells `[predicted, true, value]` for ECharts (x = predicted class, y = true class). */
export function confusionCells(counts: number[][], normalized: boolean): Array<[number, number, number]> {
  const values = normalized ? normalizeRows(counts) : counts
  const out: Array<[number, number, number]> = []
  values.forEach((row, t) => row.forEach((v, p) => out.push([p, t, v])))
  return out
}

/** Cell label: the count, or a percentage with one decimal; empty for zero so the map stays readable. */
export function confusionLabel(value: number, normalized: boolean): string {
  if (value === 0) return ''
  return normalized ? `${(Math.round(value * 1000) / 10).toFixed(value >= 0.995 ? 0 : 1)}%` : String(value)
}

/**
 * The most frequent confusions (off-diagonal cells, largest count first, ties by true then
 * predicted class); when the model makes none, the diagonal cells instead, so there is always
 * something to open.
 */
export function topConfusions(counts: number[][], limit = 8): Array<{ actual: number; predicted: number; count: number }> {
  const off: Array<{ actual: number; predicted: number; count: number }> = []
  const diag: Array<{ actual: number; predicted: number; count: number }> = []
  counts.forEach((row, t) => row.forEach((n, p) => {
    if (n > 0) (t === p ? diag : off).push({ actual: t, predicted: p, count: n })
  }))
  const pick = off.length > 0 ? off : diag
  return pick.sort((a, b) => b.count - a.count || a.actual - b.actual || a.predicted - b.predicted).slice(0, limit)
}

export interface ConfusionLabels { predicted: string; actual: string; save: string }

/**
 * The confusion matrix as a heat map. True classes run down (class 0 on top), predictions across;
 * the colour scale goes from the surface to the accent colour, so the diagonal of a good model
 * stands out in both themes. Cells carry their value as a label when there is room (≤ 20 classes).
 */
export function confusionOption(
  counts: number[][], classNames: string[], normalized: boolean, c: ChartColors, dark: boolean,
  labels: ConfusionLabels, exportName: string
): Option {
  const k = counts.length
  const cells = confusionCells(counts, normalized)
  const max = normalized ? 1 : Math.max(1, ...cells.map((x) => x[2]))
  const names = classNames.length === k ? classNames : Array.from({ length: k }, (_, i) => String(i))
  const showLabels = k <= 20
  const longNames = names.some((n) => n.length > 3)
  // Dark cells (above ~55% of the scale) get light text, pale ones the theme's text colour.
  const data = cells.map((cell) => ({ value: cell, label: { color: cell[2] > max * 0.55 ? '#ffffff' : c.text } }))
  return {
    animation: false,
    grid: { left: 40, right: 64, top: 30, bottom: 40, containLabel: true },
    toolbox: evalToolbox({ save: labels.save }, exportName, dark, false),
    tooltip: {
      trigger: 'item', confine: true,
      formatter: (p: { value: [number, number, number] }) =>
        `${labels.actual}: ${names[p.value[1]]}<br/>${labels.predicted}: ${names[p.value[0]]}<br/><b>${confusionLabel(p.value[2], normalized) || '0'}</b>`
    },
    xAxis: {
      type: 'category', data: names, name: labels.predicted, nameLocation: 'middle', nameGap: 26,
      axisLabel: { interval: 0, rotate: k > 8 && longNames ? 45 : 0, fontSize: 11, width: 80, overflow: 'truncate' },
      splitArea: { show: false }
    },
    yAxis: {
      type: 'category', data: names, inverse: true, name: labels.actual, nameLocation: 'middle', nameRotate: 90,
      nameGap: Math.min(80, 12 + 6 * Math.max(...names.map((n) => Math.min(12, n.length)))),
      axisLabel: { interval: 0, fontSize: 11, width: 80, overflow: 'truncate' }
    },
    visualMap: {
      min: 0, max, calculable: false, orient: 'vertical', right: 4, top: 'middle', itemHeight: 140, itemWidth: 10,
      inRange: { color: dark ? ['#161b22', '#1f6feb', '#79c0ff'] : ['#f8fafc', '#93c5fd', '#1d4ed8'] },
      formatter: (v: number) => (normalized ? `${Math.round(v * 100)}%` : String(Math.round(v))),
      textStyle: { color: c.muted }
    },
    series: [{
      type: 'heatmap', data, cursor: 'pointer',
      label: {
        show: showLabels, fontSize: k > 12 ? 9 : 11,
        formatter: (p: { value: [number, number, number] }) => confusionLabel(p.value[2], normalized),
        color: c.text
      },
      itemStyle: { borderColor: dark ? '#0d1117' : '#ffffff', borderWidth: 1 },
      emphasis: { itemStyle: { borderColor: c.palette[1], borderWidth: 2 } }
    }]
  }
}

// ── binary curves ───────────────────────────────────────────────────────────────────────────────

/** Pairs [x, y] of two equally long arrays, dropping non-finite points (an undefined rate). */
export function pairs(x: ArrayLike<number>, y: ArrayLike<number>): Array<[number, number]> {
  const out: Array<[number, number]> = []
  const n = Math.min(x.length, y.length)
  for (let i = 0; i < n; i++) if (Number.isFinite(x[i]) && Number.isFinite(y[i])) out.push([x[i]!, y[i]!])
  return out
}

export interface CurveLabels { x: string; y: string; name: string; chance?: string; save: string; zoom: string; zoomBack: string; restore: string }

function unitAxes(labels: CurveLabels): Option {
  return {
    xAxis: { type: 'value', min: 0, max: 1, name: labels.x, nameLocation: 'middle', nameGap: 24 },
    yAxis: { type: 'value', min: 0, max: 1, name: labels.y, nameLocation: 'middle', nameGap: 34 }
  }
}

/** The ROC curve (step line through the kept thresholds) with the chance diagonal. */
export function rocOption(roc: { fpr: number[]; tpr: number[] }, c: ChartColors, dark: boolean, labels: CurveLabels, exportName: string): Option {
  return {
    animation: false,
    grid: { left: 48, right: 16, top: 34, bottom: 40 },
    legend: { top: 2, left: 4 },
    toolbox: evalToolbox(labels, exportName, dark),
    tooltip: { trigger: 'axis', confine: true, valueFormatter: (v: number) => (typeof v === 'number' ? v.toFixed(3) : String(v)) },
    ...unitAxes(labels),
    series: [
      { type: 'line', name: labels.name, data: pairs(roc.fpr, roc.tpr), showSymbol: false, lineStyle: { width: 2, color: c.palette[0] }, itemStyle: { color: c.palette[0] }, areaStyle: { opacity: 0.08 } },
      { type: 'line', name: labels.chance ?? '', data: [[0, 0], [1, 1]], showSymbol: false, silent: true, lineStyle: { width: 1, type: 'dashed', color: c.muted }, itemStyle: { color: c.muted }, tooltip: { show: false } }
    ]
  }
}

/** The precision–recall curve as sklearn returns it (recall decreasing), drawn as a step line. */
export function prOption(pr: { precision: number[]; recall: number[] }, c: ChartColors, dark: boolean, labels: CurveLabels, exportName: string): Option {
  const pts = pairs(pr.recall, pr.precision).sort((a, b) => a[0] - b[0] || b[1] - a[1])
  return {
    animation: false,
    grid: { left: 48, right: 16, top: 34, bottom: 40 },
    legend: { top: 2, left: 4 },
    toolbox: evalToolbox(labels, exportName, dark),
    tooltip: { trigger: 'axis', confine: true, valueFormatter: (v: number) => (typeof v === 'number' ? v.toFixed(3) : String(v)) },
    ...unitAxes(labels),
    series: [{ type: 'line', name: labels.name, step: 'end', data: pts, showSymbol: false, lineStyle: { width: 2, color: c.palette[2] }, itemStyle: { color: c.palette[2] }, areaStyle: { opacity: 0.08 } }]
  }
}

// ── regression ──────────────────────────────────────────────────────────────────────────────────

/** Smallest and largest finite value over both arrays, padded by 2% (a flat line gets ±0.5). */
export function commonRange(a: ArrayLike<number>, b: ArrayLike<number>): [number, number] {
  let lo = Infinity
  let hi = -Infinity
  for (const arr of [a, b]) {
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i]!
      if (!Number.isFinite(v)) continue
      if (v < lo) lo = v
      if (v > hi) hi = v
    }
  }
  if (!Number.isFinite(lo)) return [0, 1]
  if (lo === hi) return [lo - 0.5, hi + 0.5]
  const pad = (hi - lo) * 0.02
  return [lo - pad, hi + pad]
}

/** Predicted (y) against actual (x) with the y = x line a perfect model would sit on. */
export function predictedVsActualOption(
  actual: ArrayLike<number>, predicted: ArrayLike<number>, c: ChartColors, dark: boolean,
  labels: { actual: string; predicted: string; ideal: string; save: string; zoom: string; zoomBack: string; restore: string }, exportName: string
): Option {
  const [lo, hi] = commonRange(actual, predicted)
  return {
    animation: false,
    grid: { left: 56, right: 16, top: 34, bottom: 40 },
    legend: { top: 2, left: 4 },
    toolbox: evalToolbox(labels, exportName, dark),
    tooltip: { trigger: 'item', confine: true, formatter: (p: { value: [number, number] }) => `${labels.actual}: ${fmt(p.value[0])}<br/>${labels.predicted}: ${fmt(p.value[1])}` },
    // The padded range's own ends (9.61…) would crowd the round ticks: show only those.
    xAxis: { type: 'value', min: lo, max: hi, name: labels.actual, nameLocation: 'middle', nameGap: 24, axisLabel: { formatter: fmt, showMinLabel: false, showMaxLabel: false } },
    yAxis: { type: 'value', min: lo, max: hi, name: labels.predicted, nameLocation: 'middle', nameGap: 40, axisLabel: { formatter: fmt, showMinLabel: false, showMaxLabel: false } },
    series: [
      { type: 'scatter', name: labels.predicted, data: pairs(actual, predicted), symbolSize: 4, large: actual.length > 2000, itemStyle: { color: c.palette[0], opacity: 0.6 } },
      { type: 'line', name: labels.ideal, data: [[lo, lo], [hi, hi]], showSymbol: false, silent: true, lineStyle: { type: 'dashed', width: 1, color: c.muted }, itemStyle: { color: c.muted }, tooltip: { show: false } }
    ]
  }
}

/** Compact number for axes and tooltips: 3 significant digits, exponent for very large/small. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v)
  const a = Math.abs(v)
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(2)
  return String(Number(v.toPrecision(3)))
}

/** Residual (predicted − actual) histogram as bars over bin centres. */
export function residualOption(
  hist: { edges: ArrayLike<number>; counts: ArrayLike<number> }, c: ChartColors, dark: boolean,
  labels: { residual: string; count: string; save: string; zoom: string; zoomBack: string; restore: string }, exportName: string
): Option {
  const data: Array<[number, number]> = []
  for (let i = 0; i < hist.counts.length; i++) data.push([(hist.edges[i]! + hist.edges[i + 1]!) / 2, hist.counts[i]!])
  const width = hist.edges.length > 1 ? hist.edges[1]! - hist.edges[0]! : 1
  return {
    animation: false,
    grid: { left: 48, right: 16, top: 30, bottom: 40 },
    toolbox: evalToolbox(labels, exportName, dark),
    tooltip: { trigger: 'item', confine: true, formatter: (p: { value: [number, number] }) => `${fmt(p.value[0] - width / 2)} … ${fmt(p.value[0] + width / 2)}<br/>${labels.count}: ${p.value[1]}` },
    xAxis: { type: 'value', name: labels.residual, nameLocation: 'middle', nameGap: 24, scale: true, axisLabel: { formatter: fmt } },
    yAxis: { type: 'value', name: labels.count, minInterval: 1 },
    series: [{ type: 'bar', name: labels.count, data, barWidth: '95%', barCategoryGap: '0%', itemStyle: { color: c.palette[4] } }]
  }
}

// ── prediction ──────────────────────────────────────────────────────────────────────────────────

/** Classes sorted by probability (highest first), at most `limit`. */
export function topClasses(probabilities: number[], classNames: string[], limit = 10): Array<{ index: number; name: string; p: number }> {
  return probabilities
    .map((p, index) => ({ index, name: classNames[index] ?? String(index), p }))
    .sort((a, b) => b.p - a.p || a.index - b.index)
    .slice(0, limit)
}

/** Horizontal bars of class probabilities, most likely on top, the winner in the accent colour. */
export function probabilityOption(probabilities: number[], classNames: string[], c: ChartColors, labels: { probability: string }): Option {
  const top = topClasses(probabilities, classNames)
  return {
    animation: false,
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'item', formatter: (p: { name: string; value: number }) => `${p.name}: ${(p.value * 100).toFixed(1)}%` },
    xAxis: { type: 'value', min: 0, max: 1, show: false },
    yAxis: { type: 'category', inverse: true, data: top.map((x) => x.name), axisLabel: { width: 110, overflow: 'truncate' } },
    series: [{
      type: 'bar', name: labels.probability, barMaxWidth: 18,
      data: top.map((x, i) => ({ value: x.p, itemStyle: { color: i === 0 ? c.palette[0] : c.muted } })),
      label: { show: true, position: 'right', formatter: (p: { value: number }) => `${(p.value * 100).toFixed(1)}%`, color: c.text }
    }]
  }
}

// ── distributions ───────────────────────────────────────────────────────────────────────────────

/** One summary per epoch for one layer: quantiles at DISTRIBUTION_PERCENTILES (9 values, min…max). */
export interface DistributionPoint { epoch: number; step?: number; quantiles: number[] }

export interface Bands {
  x: number[]
  /** Outer to inner: [q0,q8], [q1,q7], [q2,q6], [q3,q5] as lower/upper arrays. */
  bands: Array<{ lower: number[]; upper: number[] }>
  median: number[]
}

/**
 * TensorBoard's distribution chart from per-epoch quantiles: nested bands pairing the i-th
 * quantile from below with the i-th from above (min–max, ±1.5σ, ±1σ, ±0.5σ for a Gaussian) and the
 * median line. Points are sorted by epoch (one per epoch, the last given); points with the wrong number of quantiles or a
 * non-finite one (a diverged layer) are skipped rather than drawn as a spike.
 */
export function distributionBands(points: DistributionPoint[]): Bands {
  // One point per epoch (the last one given wins: a resumed run rewrites its later epochs).
  const byEpoch = new Map<number, DistributionPoint>()
  for (const p of points) {
    if (p.quantiles.length >= 3 && p.quantiles.length % 2 === 1 && p.quantiles.every(Number.isFinite)) byEpoch.set(p.epoch, p)
  }
  const ok = [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch)
  const nq = ok[0]?.quantiles.length ?? 9
  const same = ok.filter((p) => p.quantiles.length === nq)
  const mid = (nq - 1) / 2
  const bands: Bands['bands'] = []
  for (let i = 0; i < mid; i++) {
    bands.push({ lower: same.map((p) => p.quantiles[i]!), upper: same.map((p) => p.quantiles[nq - 1 - i]!) })
  }
  return { x: same.map((p) => p.epoch), bands, median: same.map((p) => p.quantiles[mid]!) }
}

/**
 * The bands as stacked ECharts lines: for each band an invisible lower line and, stacked on it,
 * the band's height filled with the colour at increasing opacity towards the median. The epoch
 * axis is a category axis: ECharts stacks along the category axis only (with two value axes it
 * would add up the epochs).
 */
export function distributionOption(
  b: Bands, color: string, dark: boolean,
  labels: { epoch: string; value: string; median: string; save: string; zoom: string; zoomBack: string; restore: string }, exportName: string
): Option {
  const series: object[] = []
  b.bands.forEach((band, i) => {
    const stack = `band${i}`
    series.push({
      // 'all': a band's height (positive) must stack on its lower edge even when that is negative.
      type: 'line', stack, stackStrategy: 'all', data: [...band.lower], showSymbol: false, silent: true,
      lineStyle: { opacity: 0 }, tooltip: { show: false }, z: 1
    })
    series.push({
      type: 'line', stack, stackStrategy: 'all', data: band.upper.map((u, j) => u - band.lower[j]!), showSymbol: false, silent: true,
      lineStyle: { opacity: 0 }, areaStyle: { color, opacity: 0.14 + 0.12 * i }, tooltip: { show: false }, z: 1
    })
  })
  series.push({ type: 'line', name: labels.median, data: [...b.median], showSymbol: b.x.length < 40, symbolSize: 4, lineStyle: { width: 1.5, color }, itemStyle: { color }, z: 3 })
  const outer = b.bands[0]
  return {
    animation: false,
    grid: { left: 56, right: 16, top: 30, bottom: 40 },
    toolbox: evalToolbox(labels, exportName, dark),
    tooltip: {
      trigger: 'axis', confine: true,
      formatter: (ps: Array<{ dataIndex: number }>) => {
        const j = ps[0]?.dataIndex ?? 0
        const rows = [`${labels.epoch} ${b.x[j]}`, `${labels.median}: ${fmt(b.median[j]!)}`]
        if (outer) rows.push(`min … max: ${fmt(outer.lower[j]!)} … ${fmt(outer.upper[j]!)}`)
        return rows.join('<br/>')
      }
    },
    xAxis: { type: 'category', boundaryGap: false, data: b.x.map(String), name: labels.epoch, nameLocation: 'middle', nameGap: 24 },
    yAxis: { type: 'value', name: labels.value, scale: true, axisLabel: { formatter: fmt } },
    series
  }
}

// ── checkpoint markers on the live curves ───────────────────────────────────────────────────────

export interface CheckpointMark { step: number; epoch: number; value: number | null; best: boolean; deleted?: boolean }

/** The first of `names` that a checkpoint's metrics hold (e.g. 'epoch/val_loss' or 'val_loss'). */
export function checkpointMetric(metrics: Record<string, number>, names: string[]): number | null {
  for (const n of names) if (typeof metrics[n] === 'number' && Number.isFinite(metrics[n])) return metrics[n]!
  return null
}

/**
 * Checkpoint markers for a metric chart: one scatter series of pins at (step, metric at that
 * checkpoint), the best one bigger and in the highlight colour with a vertical markLine. Deleted
 * checkpoints (pruned by keep-last-K) are hollow. Returns no series when there is nothing to mark,
 * so the chart's structure is unchanged for runs without checkpoints.
 */
export function checkpointMarkSeries(
  marks: CheckpointMark[], colors: { normal: string; best: string; hollow: string }, labels: { name: string; best: string; epoch: string }
): object[] {
  const withValue = marks.filter((m) => m.value != null && Number.isFinite(m.value))
  if (withValue.length === 0) return []
  const best = withValue.find((m) => m.best)
  return [{
    id: 'checkpoints', name: labels.name, type: 'scatter', z: 5,
    symbol: 'pin', symbolSize: 16,
    data: withValue.map((m) => ({
      value: [m.step, m.value], epoch: m.epoch,
      symbolSize: m.best ? 24 : 16,
      itemStyle: m.deleted
        ? { color: colors.hollow, borderColor: colors.normal, borderWidth: 1, opacity: 0.6 }
        : { color: m.best ? colors.best : colors.normal }
    })),
    itemStyle: { color: colors.normal },
    tooltip: {
      trigger: 'item',
      formatter: (p: { data: { epoch: number; value: [number, number] } }) =>
        `${labels.name} · ${labels.epoch} ${p.data.epoch}${best && p.data.value[0] === best.step ? ` ★ ${labels.best}` : ''}<br/>${fmt(p.data.value[1])}`
    },
    markLine: best
      ? { silent: true, symbol: 'none', label: { formatter: `★ ${labels.best}`, position: 'insideEndTop', color: colors.best }, lineStyle: { color: colors.best, type: 'dashed', width: 1 }, data: [{ xAxis: best.step }] }
      : undefined
  }]
}
