/**
 * ECharts options for the dataset overview: histogram of a numeric column, bars of a categorical
 * one, class distribution per split, scatter coloured by the target, and the correlation heat map.
 * Pure builders (data + palette + translated labels in, option out), so views stay thin and unit
 * tests can check the shapes.
 */
import type { ColumnSummary, DatasetDetail, Histogram } from '../../../preload/contract/types'

export interface ChartColors {
  palette: readonly string[]
  text: string
  muted: string
  /** Diverging heat-map colours: −1, 0, +1. */
  diverging: [string, string, string]
}

/** Short bin labels ("1.2–1.5") with precision just enough to tell neighbours apart. */
export function binLabels(h: Histogram): string[] {
  const width = h.edges.length > 1 ? Math.abs(h.edges[1]! - h.edges[0]!) : 1
  const digits = width === 0 ? 2 : Math.min(6, Math.max(0, Math.ceil(-Math.log10(width)) + 1))
  const f = (v: number): string => (Math.abs(v) >= 1e5 ? v.toExponential(1) : v.toFixed(digits))
  return h.counts.map((_, i) => `${f(h.edges[i]!)}–${f(h.edges[i + 1] ?? h.edges[i]!)}`)
}

const GRID = { left: 44, right: 12, top: 16, bottom: 28, containLabel: false }

export function histogramOption(col: ColumnSummary, c: ChartColors, countLabel: string): Record<string, unknown> {
  const h = col.histogram ?? { edges: [], counts: [] }
  return {
    grid: GRID,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'category', data: binLabels(h), axisLabel: { hideOverlap: true, fontSize: 10 } },
    yAxis: { type: 'value', name: '', minInterval: 1, axisLabel: { fontSize: 10 } },
    series: [{ type: 'bar', name: countLabel, data: h.counts, barCategoryGap: '4%', itemStyle: { color: c.palette[0] } }]
  }
}

export function categoriesOption(col: ColumnSummary, c: ChartColors, countLabel: string): Record<string, unknown> {
  const cats = col.topCategories.slice(0, 20)
  return {
    grid: { ...GRID, left: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', minInterval: 1, axisLabel: { fontSize: 10 } },
    yAxis: { type: 'category', inverse: true, data: cats.map((x) => x.value), axisLabel: { fontSize: 11, width: 110, overflow: 'truncate' } },
    series: [{ type: 'bar', name: countLabel, data: cats.map((x) => x.count), barMaxWidth: 22, itemStyle: { color: c.palette[1] } }]
  }
}

/** Grouped bars: one group per class, one bar per split that has examples. */
export function classDistributionOption(
  dist: NonNullable<DatasetDetail['classDistribution']>, c: ChartColors, splitLabels: Record<'train' | 'val' | 'test', string>
): Record<string, unknown> {
  const splits = (['train', 'val', 'test'] as const).filter((s) => dist[s].some((n) => n > 0))
  const rotate = dist.classNames.length > 12 ? 45 : 0
  return {
    grid: { ...GRID, left: 8, bottom: rotate ? 8 : 8, top: 34, containLabel: true },
    legend: { top: 0, data: splits.map((s) => splitLabels[s]) },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'category', data: dist.classNames, axisLabel: { rotate, interval: dist.classNames.length > 40 ? 'auto' : 0, fontSize: 11 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: splits.map((s, i) => ({ type: 'bar', name: splitLabels[s], data: dist[s], barMaxWidth: 36, itemStyle: { color: c.palette[i] } }))
  }
}

/**
 * Scatter of two columns coloured by the target: one series per class for classification (a
 * legend to toggle classes), a continuous colour scale for regression.
 */
export function scatterOption(
  points: { x: number[]; y: number[]; c: number[] }, xName: string, yName: string,
  classNames: string[] | null, c: ChartColors
): Record<string, unknown> {
  const base = {
    grid: { ...GRID, left: 12, top: 34, bottom: 30, right: classNames ? 12 : 70, containLabel: true },
    tooltip: { trigger: 'item' },
    xAxis: { type: 'value', name: xName, nameLocation: 'middle', nameGap: 22, scale: true },
    yAxis: { type: 'value', name: yName, nameLocation: 'middle', nameGap: 36, scale: true }
  }
  if (classNames) {
    const groups = classNames.map(() => [] as Array<[number, number]>)
    for (let i = 0; i < points.x.length; i++) {
      const k = Math.round(points.c[i] ?? 0)
      if (groups[k]) groups[k]!.push([points.x[i]!, points.y[i]!])
    }
    return {
      ...base,
      legend: { top: 0, type: 'scroll' },
      series: classNames.map((name, k) => ({
        type: 'scatter', name, data: groups[k], symbolSize: 5, itemStyle: { color: c.palette[k % c.palette.length], opacity: 0.75 }
      }))
    }
  }
  const lo = Math.min(...points.c)
  const hi = Math.max(...points.c)
  return {
    ...base,
    visualMap: { type: 'continuous', min: Number.isFinite(lo) ? lo : 0, max: Number.isFinite(hi) ? hi : 1, dimension: 2, right: 0, top: 'middle', itemHeight: 120, calculable: false, inRange: { color: [c.diverging[0], c.diverging[1], c.diverging[2]] } },
    series: [{ type: 'scatter', data: points.x.map((x, i) => [x, points.y[i], points.c[i]]), symbolSize: 5 }]
  }
}

/** Correlation heat map (−1…+1) with the coefficient in each cell when the matrix is small. */
export function heatmapOption(corr: NonNullable<DatasetDetail['correlation']>, c: ChartColors): Record<string, unknown> {
  const n = corr.columns.length
  const data: Array<[number, number, number]> = []
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) data.push([j, i, Math.round((corr.matrix[i]?.[j] ?? 0) * 100) / 100])
  return {
    grid: { left: 8, right: 70, top: 8, bottom: 8, containLabel: true },
    tooltip: { position: 'top' },
    xAxis: { type: 'category', data: corr.columns, splitArea: { show: true }, axisLabel: { rotate: n > 6 ? 45 : 0, fontSize: 11, interval: 0, width: 90, overflow: 'truncate' } },
    yAxis: { type: 'category', data: corr.columns, inverse: true, splitArea: { show: true }, axisLabel: { fontSize: 11, interval: 0, width: 110, overflow: 'truncate' } },
    visualMap: { min: -1, max: 1, calculable: true, orient: 'vertical', right: 0, top: 'middle', itemHeight: 140, inRange: { color: [c.diverging[0], c.diverging[1], c.diverging[2]] } },
    series: [{ type: 'heatmap', data, label: { show: n <= 12, fontSize: 10, color: c.text }, emphasis: { itemStyle: { borderColor: c.text, borderWidth: 1 } } }]
  }
}

/** Bars for the per-column mini chart (SVG): heights in [0, 1] from a histogram or top categories. */
export function sparkBars(col: Pick<ColumnSummary, 'histogram' | 'topCategories'>, max = 24): number[] {
  const counts = col.histogram ? col.histogram.counts : col.topCategories.slice(0, max).map((x) => x.count)
  const top = Math.max(1, ...counts)
  return counts.map((n) => n / top)
}

/** The |r| of two columns in the correlation matrix, or null when either is missing. */
export function correlationOf(corr: DatasetDetail['correlation'], a: string, b: string): number | null {
  if (!corr) return null
  const i = corr.columns.indexOf(a)
  const j = corr.columns.indexOf(b)
  if (i < 0 || j < 0) return null
  return corr.matrix[i]?.[j] ?? null
}
