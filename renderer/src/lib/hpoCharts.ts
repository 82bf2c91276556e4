/**
 * ECharts options for the study view, built from the outputs of main/hpo/analysis.ts and the GP's
 * `surrogateSlice`: optimization history with the best-so-far line, intermediate values per trial
 * (pruned marked), parallel coordinates, slice plots, a contour of two parameters, parameter
 * importance, the per-worker timeline and the GP's mean ± sd and acquisition (GPyOpt's
 * `plot_acquisition`). Pure builders: data, palette and translated labels in; `{ option, points }`
 * out, where `points` is how many trials the chart draws (the view puts it in `data-points`).
 */
import type { HistoryPoint, ParallelAxis, TimelineBar } from '../../../main/hpo/analysis'
import { toUnit, type ParamSpec, type ParamValue } from '../../../main/hpo/space'
import type { Direction, TrialState } from '../../../main/hpo/types'
import { formatMetric } from './format'

/** Theme colours the builders need. */
export interface HpoColors {
  palette: readonly string[]
  text: string
  muted: string
  /** Chart background for PNG export. */
  bg: string
  /** Low → high colour stops of the sequential scale (contours, surrogate maps). */
  sequential: readonly string[]
}

/** One built chart: the option and how many trials it draws. */
export interface Built { option: Record<string, unknown>; points: number }

/** Toolbox labels shared by every chart. */
export interface ToolLabels { save: string; zoom: string; zoomBack: string; restore: string }

/** Colour of each trial state (same in every chart and in the table's badges). */
export function stateColor(state: TrialState, c: HpoColors): string {
  switch (state) {
    case 'complete': return c.palette[0] as string
    case 'pruned': return c.palette[3] as string
    case 'failed': return c.palette[1] as string
    case 'running': return c.palette[2] as string
    case 'waiting': return c.palette[7] as string
  }
}

function toolbox(tl: ToolLabels, c: HpoColors, exportName: string, zoom: boolean): Record<string, unknown> {
  return {
    right: 4, top: 0, itemSize: 13,
    feature: {
      ...(zoom ? { dataZoom: { title: { zoom: tl.zoom, back: tl.zoomBack } }, restore: { title: tl.restore } } : {}),
      saveAsImage: { title: tl.save, name: exportName, pixelRatio: 2, backgroundColor: c.bg }
    }
  }
}

const fmt = (v: unknown): string => (typeof v === 'number' ? formatMetric(v) : String(v))

/** Hex or rgb colour at t ∈ [0, 1] along `stops` (linear in RGB). */
export function lerpColor(stops: readonly string[], t: number): string {
  const rgb = (h: string): [number, number, number] => {
    const x = h.replace('#', '')
    return [parseInt(x.slice(0, 2), 16), parseInt(x.slice(2, 4), 16), parseInt(x.slice(4, 6), 16)]
  }
  if (stops.length === 1 || !Number.isFinite(t)) return stops[0] as string
  const u = Math.min(1, Math.max(0, t)) * (stops.length - 1)
  const i = Math.min(stops.length - 2, Math.floor(u))
  const a = rgb(stops[i] as string)
  const b = rgb(stops[i + 1] as string)
  const f = u - i
  const m = a.map((v, k) => Math.round(v + (b[k]! - v) * f))
  return `#${m.map((v) => v.toString(16).padStart(2, '0')).join('')}`
}

/** Labels of the history chart. */
export interface HistoryLabels extends ToolLabels { trial: string; objective: string; value: string; best: string }

/** Objective per complete trial (dots) and the best value so far (a step line). */
export function historyOption(history: readonly HistoryPoint[], c: HpoColors, L: HistoryLabels, exportName = 'history'): Built {
  return {
    points: history.length,
    option: {
      animation: false,
      grid: { left: 56, right: 20, top: 48, bottom: 44 },
      legend: { top: 2, left: 'center', data: [L.value, L.best] },
      tooltip: { trigger: 'item', confine: true, valueFormatter: fmt },
      toolbox: toolbox(L, c, exportName, true),
      dataZoom: [{ type: 'inside', xAxisIndex: 0 }],
      xAxis: { type: 'value', name: L.trial, nameLocation: 'middle', nameGap: 24, minInterval: 1, min: 0, max: 'dataMax', splitLine: { show: false } },
      yAxis: { type: 'value', name: L.objective, scale: true, axisLabel: { formatter: fmt } },
      series: [
        {
          type: 'scatter', name: L.value, symbolSize: 8, itemStyle: { color: c.palette[0] },
          data: history.map((p) => ({ value: [p.number, p.value], ...(p.isBest ? { itemStyle: { color: c.palette[1] } } : {}) }))
        },
        { type: 'line', name: L.best, step: 'end', showSymbol: false, lineStyle: { width: 2, color: c.palette[1] }, itemStyle: { color: c.palette[1] }, data: history.map((p) => [p.number, p.best]) }
      ]
    }
  }
}

/** Labels of the intermediate-values chart. */
export interface IntermediateLabels extends ToolLabels { step: string; objective: string; trial: string; states: Record<TrialState, string> }

/**
 * One line per trial over its epochs, coloured by state; a pruned trial's last point carries a
 * cross so the eye finds where the pruner stopped it. Legend entries are the states (clicking one
 * hides all trials in that state).
 */
export function intermediateOption(
  curves: readonly { number: number; state: TrialState; pruned: boolean; points: [number, number][] }[],
  c: HpoColors, L: IntermediateLabels, exportName = 'intermediate'
): Built {
  const states = [...new Set(curves.map((k) => k.state))]
  return {
    points: curves.length,
    option: {
      animation: false,
      grid: { left: 56, right: 20, top: 48, bottom: 44 },
      legend: { top: 2, left: 'center', data: states.map((s) => L.states[s]) },
      tooltip: { trigger: 'item', confine: true, formatter: (p: { seriesId: string; value: [number, number] }) => `${L.trial} ${p.seriesId.slice(2)} · ${L.step} ${p.value[0]}: ${fmt(p.value[1])}` },
      toolbox: toolbox(L, c, exportName, true),
      dataZoom: [{ type: 'inside', xAxisIndex: 0 }],
      xAxis: { type: 'value', name: L.step, nameLocation: 'middle', nameGap: 24, minInterval: 1, scale: true, splitLine: { show: false } },
      yAxis: { type: 'value', name: L.objective, scale: true, axisLabel: { formatter: fmt } },
      series: curves.map((k) => ({
        type: 'line', id: `t-${k.number}`, name: L.states[k.state], showSymbol: true, symbolSize: 5,
        lineStyle: { width: 1.25, color: stateColor(k.state, c), ...(k.pruned ? { type: 'dashed' } : {}) },
        itemStyle: { color: stateColor(k.state, c) },
        data: k.points.map((p, i) => ({
          value: p,
          symbol: k.pruned && i === k.points.length - 1 ? 'path://M0,0L10,10M10,0L0,10' : i === k.points.length - 1 ? 'circle' : 'none',
          symbolSize: k.pruned && i === k.points.length - 1 ? 9 : 5,
          ...(k.pruned && i === k.points.length - 1 ? { itemStyle: { color: stateColor('pruned', c), borderColor: stateColor('pruned', c), borderWidth: 2 } } : {})
        }))
      }))
    }
  }
}

/** Labels of the parallel-coordinates chart. */
export interface ParallelLabels { objective: string; save: string }

/**
 * Parallel coordinates: an axis per parameter (log axes for log scales, category axes for lists
 * and categoricals) and the objective last; one line per complete trial coloured by its
 * objective, best end of the scale highlighted. Axes can be brushed to filter.
 */
export function parallelOption(
  data: { axes: ParallelAxis[]; rows: { number: number; values: (ParamValue | null)[]; objective: number }[] },
  direction: Direction, c: HpoColors, L: ParallelLabels, exportName = 'parallel'
): Built {
  const last = data.axes.length - 1
  const objs = data.rows.map((r) => r.objective)
  const min = objs.length ? Math.min(...objs) : 0
  const max = objs.length ? Math.max(...objs) : 1
  // Best trials get the strong end of the scale whichever way the study optimizes.
  const stops = direction === 'minimize' ? [...c.sequential].reverse() : [...c.sequential]
  return {
    points: data.rows.length,
    option: {
      animation: false,
      toolbox: { right: 4, top: 0, itemSize: 13, feature: { saveAsImage: { title: L.save, name: exportName, pixelRatio: 2, backgroundColor: c.bg } } },
      parallel: { left: 48, right: 90, top: 40, bottom: 30, parallelAxisDefault: { nameLocation: 'start', nameGap: 16, nameTextStyle: { color: c.text, fontSize: 11 }, axisLabel: { color: c.muted, fontSize: 10 } } },
      visualMap: {
        type: 'continuous', dimension: last, min, max: max === min ? min + 1e-9 : max, right: 4, top: 'middle', itemHeight: 120,
        calculable: false, precision: 4, inRange: { color: stops }, text: [fmt(max), fmt(min)], showLabel: true
      },
      parallelAxis: data.axes.map((a, i) => {
        const name = i === last ? L.objective : a.name
        if (a.kind === 'category') return { dim: i, name, type: 'category', data: (a.categories ?? []).map(String) }
        return { dim: i, name, type: a.kind === 'log' ? 'log' : 'value', scale: true, ...(a.min !== undefined && a.kind !== 'log' ? { min: a.min, max: a.max } : {}), axisLabel: { formatter: fmt } }
      }),
      series: [{
        type: 'parallel', name: L.objective, smooth: false, lineStyle: { width: 1.5, opacity: 0.75 },
        emphasis: { lineStyle: { width: 3, opacity: 1 } },
        data: data.rows.map((r) => ({
          name: String(r.number),
          value: [...r.values.map((v, i) => (v === null ? '-' : data.axes[i]!.kind === 'category' ? String(v) : v)), r.objective]
        }))
      }]
    }
  }
}

function isCategoryAxis(p: ParamSpec): boolean {
  return p.kind === 'categorical' || p.kind === 'discrete'
}
function categoriesOf(p: ParamSpec): string[] {
  if (p.kind === 'categorical') return p.choices.map(String)
  if (p.kind === 'discrete') return [...p.values].sort((a, b) => a - b).map(String)
  return []
}

/** Labels of a slice plot. */
export interface SliceLabels extends ToolLabels { objective: string; trial: string }

/**
 * One parameter's slice: objective against the parameter's value for each complete trial where
 * it was active, dots coloured from early (light) to late (dark) trials.
 */
export function sliceOption(param: ParamSpec, pts: readonly { value: ParamValue; objective: number; number: number }[], c: HpoColors, L: SliceLabels): Built {
  const cat = isCategoryAxis(param)
  const maxN = pts.reduce((m, p) => Math.max(m, p.number), 0)
  return {
    points: pts.length,
    option: {
      animation: false,
      grid: { left: 52, right: 14, top: 30, bottom: 40 },
      tooltip: { trigger: 'item', confine: true, formatter: (p: { value: [unknown, number, number] }) => `${L.trial} ${p.value[2]}<br>${param.name} = ${fmt(p.value[0])}<br>${L.objective}: ${fmt(p.value[1])}` },
      toolbox: toolbox(L, c, `slice-${param.name}`, !cat),
      visualMap: { show: false, type: 'continuous', dimension: 2, min: 0, max: Math.max(1, maxN), inRange: { color: [lerpColor(c.sequential, 0.25), lerpColor(c.sequential, 0.95)].reverse() } },
      xAxis: cat
        ? { type: 'category', name: param.name, nameLocation: 'middle', nameGap: 24, data: categoriesOf(param) }
        : { type: (param as { log?: boolean }).log ? 'log' : 'value', name: param.name, nameLocation: 'middle', nameGap: 24, scale: true, axisLabel: { formatter: fmt, hideOverlap: true } },
      yAxis: { type: 'value', name: L.objective, scale: true, axisLabel: { formatter: fmt } },
      series: [{ type: 'scatter', symbolSize: 7, data: pts.map((p) => [cat ? String(p.value) : p.value, p.objective, p.number]) }]
    }
  }
}

/** Axis geometry of one parameter in the contour and surrogate maps. */
interface MapAxis {
  /** ECharts axis type. */
  type: 'value' | 'log'
  /** Category names (categorical and discrete axes: positions 0..n-1). */
  categories?: string[]
  /** Cell edges along the axis (length = cells + 1) in axis units. */
  edges: number[]
  /** Cell centres in unit coordinates (for interpolation). */
  units: number[]
}

/** A parameter value's position on its map axis (category index for lists). */
function axisPos(p: ParamSpec, v: ParamValue): number {
  if (p.kind === 'categorical') return p.choices.indexOf(v)
  if (p.kind === 'discrete') return [...p.values].sort((a, b) => a - b).indexOf(v as number)
  return v as number
}

function contourAxis(p: ParamSpec, cells: number): MapAxis {
  if (isCategoryAxis(p)) {
    const cats = categoriesOf(p)
    const vals: ParamValue[] = p.kind === 'categorical' ? p.choices : [...(p as { values: number[] }).values].sort((a, b) => a - b)
    return { type: 'value', categories: cats, edges: cats.map((_, i) => i - 0.5).concat(cats.length - 0.5), units: vals.map((v) => toUnit(p, v)) }
  }
  const q = p as Extract<ParamSpec, { kind: 'float' | 'int' }>
  const log = q.log === true
  const lo = log ? Math.log(q.low) : q.low
  const hi = log ? Math.log(q.high) : q.high
  const edges: number[] = []
  const units: number[] = []
  for (let i = 0; i <= cells; i++) {
    const x = lo + ((hi - lo) * i) / cells
    edges.push(log ? Math.exp(x) : x)
  }
  for (let i = 0; i < cells; i++) {
    const x = lo + ((hi - lo) * (i + 0.5)) / cells
    const v = log ? Math.exp(x) : x
    units.push(toUnitNumeric(q, v))
  }
  return { type: log ? 'log' : 'value', edges, units }
}

function toUnitNumeric(p: Extract<ParamSpec, { kind: 'float' | 'int' }>, v: number): number {
  const log = p.log === true
  const lo = log ? Math.log(p.low) : p.low
  const hi = log ? Math.log(p.high) : p.high
  return hi === lo ? 0.5 : ((log ? Math.log(v) : v) - lo) / (hi - lo)
}

function mapAxisOption(p: ParamSpec, a: MapAxis, gridIndex: number, dir: 'x' | 'y', showName = true): Record<string, unknown> {
  const base = { gridIndex, name: showName ? p.name : '', nameLocation: 'middle', nameGap: dir === 'x' ? 24 : 40, splitLine: { show: false } }
  if (a.categories) {
    const cats = a.categories
    // Ticks at -0.5, 0.5, … would miss every category: label the integer positions explicitly.
    const at = cats.map((_, i) => i)
    return {
      ...base, type: 'value', min: -0.5, max: cats.length - 0.5,
      axisTick: { customValues: at }, axisLabel: { customValues: at, formatter: (v: number) => cats[Math.round(v)] ?? '' }
    }
  }
  return { ...base, type: a.type, min: a.edges[0], max: a.edges[a.edges.length - 1], axisLabel: { formatter: fmt, hideOverlap: true } }
}

/** A custom series of filled rectangles: data rows [x0, x1, y0, y1, value, colour]. */
function cellSeries(cells: (number | string)[][], xAxisIndex: number, yAxisIndex: number, name: string): Record<string, unknown> {
  return {
    type: 'custom', name, xAxisIndex, yAxisIndex, silent: false, encode: { x: [0, 1], y: [2, 3], tooltip: 4 },
    renderItem: (_params: unknown, api: { value: (i: number) => number | string; coord: (p: number[]) => number[]; style: (o: object) => object }) => {
      const a = api.coord([api.value(0) as number, api.value(2) as number])
      const b = api.coord([api.value(1) as number, api.value(3) as number])
      return {
        type: 'rect',
        shape: { x: Math.min(a[0]!, b[0]!), y: Math.min(a[1]!, b[1]!), width: Math.abs(b[0]! - a[0]!) + 0.5, height: Math.abs(b[1]! - a[1]!) + 0.5 },
        style: { fill: api.value(5) as string }
      }
    },
    data: cells
  }
}

/**
 * Inverse-distance-weighted interpolation (power 2) of objective values at a unit-cube point,
 * from trial points in unit coordinates: the contour's background, as a smooth guide between
 * the trials (only the dots are measurements).
 */
export function idw(points: readonly { u: [number, number]; value: number }[], at: [number, number]): number {
  let num = 0
  let den = 0
  for (const p of points) {
    const d2 = (p.u[0] - at[0]) ** 2 + (p.u[1] - at[1]) ** 2
    if (d2 < 1e-12) return p.value
    const w = 1 / d2
    num += w * p.value
    den += w
  }
  return den > 0 ? num / den : NaN
}

/** Labels of the contour chart. */
export interface ContourLabels extends ToolLabels { objective: string; trial: string }

/**
 * Contour of the objective over two parameters: a 24×24 interpolated map (inverse distance
 * weighting in unit coordinates; categorical axes get one cell per choice) under the trials'
 * dots. Needs no model, so it works for every sampler.
 */
export function contourOption(
  px: ParamSpec, py: ParamSpec, pts: readonly { x: ParamValue; y: ParamValue; objective: number; number: number }[],
  direction: Direction, c: HpoColors, L: ContourLabels, cellsPerAxis = 24
): Built {
  const ax = contourAxis(px, cellsPerAxis)
  const ay = contourAxis(py, cellsPerAxis)
  const objs = pts.map((p) => p.objective)
  const min = objs.length ? Math.min(...objs) : 0
  const max = objs.length ? Math.max(...objs) : 1
  const stops = direction === 'minimize' ? [...c.sequential].reverse() : [...c.sequential]
  const scale = (v: number): string => lerpColor(stops, max === min ? 0.5 : (v - min) / (max - min))
  const unitPts = pts.map((p) => ({ u: [toUnit(px, p.x), toUnit(py, p.y)] as [number, number], value: p.objective }))
  const cells: (number | string)[][] = []
  if (unitPts.length >= 2) {
    for (let i = 0; i < ax.units.length; i++) {
      for (let j = 0; j < ay.units.length; j++) {
        const v = idw(unitPts, [ax.units[i]!, ay.units[j]!])
        cells.push([ax.edges[i]!, ax.edges[i + 1]!, ay.edges[j]!, ay.edges[j + 1]!, v, scale(v)])
      }
    }
  }
  return {
    points: pts.length,
    option: {
      animation: false,
      grid: { left: 64, right: 86, top: 30, bottom: 44 },
      tooltip: { trigger: 'item', confine: true, formatter: (p: { seriesType: string; value: unknown[] }) => p.seriesType === 'scatter' ? `${L.trial} ${p.value[3]}<br>${px.name} = ${fmt(p.value[4])}<br>${py.name} = ${fmt(p.value[5])}<br>${L.objective}: ${fmt(p.value[2])}` : `≈ ${fmt(p.value[4])}` },
      toolbox: toolbox(L, c, `contour-${px.name}-${py.name}`, true),
      visualMap: { type: 'continuous', seriesIndex: 1, dimension: 2, min, max: max === min ? min + 1e-9 : max, right: 4, top: 'middle', itemHeight: 120, calculable: false, inRange: { color: stops }, text: [fmt(max), fmt(min)] },
      xAxis: mapAxisOption(px, ax, 0, 'x'),
      yAxis: mapAxisOption(py, ay, 0, 'y'),
      series: [
        cellSeries(cells, 0, 0, L.objective),
        {
          type: 'scatter', name: L.trial, symbolSize: 9, itemStyle: { borderColor: '#ffffff', borderWidth: 1.25 },
          data: pts.map((p) => [axisPos(px, p.x), axisPos(py, p.y), p.objective, p.number, p.x, p.y])
        }
      ]
    }
  }
}

/** Labels of the importance chart. */
export interface ImportanceLabels { importance: string; save: string }

/** Horizontal bars, most important parameter on top. */
export function importanceOption(items: readonly { name: string; importance: number }[], c: HpoColors, L: ImportanceLabels): Built {
  return {
    points: items.length,
    option: {
      animation: false,
      grid: { left: 8, right: 56, top: 24, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: unknown) => (typeof v === 'number' ? `${(v * 100).toFixed(1)}%` : String(v)) },
      toolbox: { right: 4, top: 0, itemSize: 13, feature: { saveAsImage: { title: L.save, name: 'importance', pixelRatio: 2, backgroundColor: c.bg } } },
      xAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
      yAxis: { type: 'category', inverse: true, data: items.map((x) => x.name), axisLabel: { width: 160, overflow: 'truncate' } },
      series: [{
        type: 'bar', name: L.importance, barMaxWidth: 22, itemStyle: { color: c.palette[0] },
        label: { show: true, position: 'right', color: c.text, formatter: (p: { value: number }) => `${(p.value * 100).toFixed(1)}%` },
        data: items.map((x) => x.importance)
      }]
    }
  }
}

/** Labels of the timeline chart. */
export interface TimelineLabels extends ToolLabels { worker: string; time: string; trial: string; states: Record<TrialState, string> }

/**
 * One lane per worker, one bar per trial from start to end (running trials up to now), coloured
 * by state; the legend toggles states.
 */
export function timelineOption(lanes: Record<string, TimelineBar[]>, c: HpoColors, L: TimelineLabels): Built {
  const names = Object.keys(lanes).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
  const states: TrialState[] = ['complete', 'pruned', 'failed', 'running']
  let n = 0
  const series = states.map((s) => {
    const data: (number | string)[][] = []
    names.forEach((lane, li) => {
      for (const b of lanes[lane] ?? []) if (b.state === s) { data.push([li, b.start, b.end, b.number]); n++ }
    })
    return {
      type: 'custom', name: L.states[s], itemStyle: { color: stateColor(s, c) }, encode: { x: [1, 2], y: 0 },
      renderItem: (_p: unknown, api: { value: (i: number) => number; coord: (p: number[]) => number[]; size: (p: number[]) => number[]; visual: (k: string) => string }) => {
        const a = api.coord([api.value(1), api.value(0)])
        const b = api.coord([api.value(2), api.value(0)])
        const h = (api.size([0, 1])[1] ?? 20) * 0.6
        // A thin outline in the background colour keeps back-to-back trials apart.
        return { type: 'rect', shape: { x: a[0]!, y: a[1]! - h / 2, width: Math.max(2, b[0]! - a[0]!), height: h }, style: { fill: api.visual('color'), stroke: c.bg, lineWidth: 1 } }
      },
      data
    }
  })
  return {
    points: n,
    option: {
      animation: false,
      grid: { left: 8, right: 20, top: 48, bottom: 44, containLabel: true },
      legend: { top: 2, left: 'center', data: states.map((s) => L.states[s]) },
      tooltip: {
        trigger: 'item', confine: true,
        formatter: (p: { seriesName: string; value: number[] }) => `${L.trial} ${p.value[3]} · ${p.seriesName}<br>${new Date(p.value[1]!).toLocaleTimeString()} – ${new Date(p.value[2]!).toLocaleTimeString()}`
      },
      toolbox: toolbox(L, c, 'timeline', true),
      dataZoom: [{ type: 'inside', xAxisIndex: 0, filterMode: 'weakFilter' }],
      xAxis: { type: 'time', name: L.time, nameLocation: 'middle', nameGap: 26, scale: true, splitLine: { show: false } },
      yAxis: { type: 'category', name: L.worker, data: names, splitLine: { show: true } },
      series
    }
  }
}

/** The GP surrogate over one or two parameters: `surrogateSlice`'s output as `hpo:surrogate` sends it. */
export interface SurrogateData {
  axes: { name: string; values: ParamValue[] }[]
  mean: number[]
  sd: number[]
  acquisition: number[]
  points: { number: number; values: ParamValue[]; value: number }[]
}

/** Labels of the surrogate charts. */
export interface SurrogateLabels extends ToolLabels {
  mean: string; sd: string; band: string; acquisition: string; observed: string; next: string; objective: string; trial: string
}

/** Index of the largest acquisition value (the GP's next suggestion on this slice). */
export function argmax(xs: readonly number[]): number {
  let best = 0
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[best]!) best = i
  return best
}

/**
 * GPyOpt's `plot_acquisition` for one parameter: the posterior mean with a ±1 sd band and the
 * observed trials above, the acquisition function below, its maximum marked in both.
 */
export function surrogate1dOption(s: SurrogateData, p: ParamSpec, c: HpoColors, L: SurrogateLabels): Built {
  const cat = isCategoryAxis(p)
  const xs = s.axes[0]!.values
  const xv = (v: ParamValue): number | string => (cat ? String(v) : (v as number))
  const lower = s.mean.map((m, i) => m - s.sd[i]!)
  const upper = s.mean.map((m, i) => m + s.sd[i]!)
  // The ±sd band as one polygon (stacked areas misdraw bands that cross zero).
  const xIndex = (i: number): number | string => (cat ? i : (xs[i] as number))
  const band = {
    type: 'custom', name: L.band, xAxisIndex: 0, yAxisIndex: 0, silent: true, tooltip: { show: false }, itemStyle: { color: c.palette[0] },
    renderItem: (_p: unknown, api: { coord: (p: (number | string)[]) => number[] }) => ({
      type: 'polygon',
      shape: { points: [...xs.map((_, i) => api.coord([xIndex(i), upper[i]!])), ...xs.map((_, i) => api.coord([xIndex(i), lower[i]!])).reverse()] },
      style: { fill: c.palette[0], opacity: 0.18 }
    }),
    data: [[0]]
  }
  const best = argmax(s.acquisition)
  const xAxis = (gridIndex: number, name: string): Record<string, unknown> => cat
    ? { gridIndex, type: 'category', data: xs.map(String), name, nameLocation: 'middle', nameGap: 24 }
    : { gridIndex, type: (p as { log?: boolean }).log ? 'log' : 'value', name, nameLocation: 'middle', nameGap: 24, min: xs[0], max: xs[xs.length - 1], axisLabel: { formatter: fmt, hideOverlap: true }, splitLine: { show: false } }
  const nextLine = { symbol: 'none', silent: true, label: { show: false }, lineStyle: { color: c.palette[1], type: 'dashed' }, data: [{ xAxis: xv(xs[best]!) }] }
  return {
    points: s.points.length,
    option: {
      animation: false,
      legend: { top: 2, left: 'center', data: [L.mean, L.band, L.observed, L.acquisition] },
      tooltip: { trigger: 'axis', confine: true, valueFormatter: fmt },
      toolbox: toolbox(L, c, `surrogate-${p.name}`, false),
      axisPointer: { link: [{ xAxisIndex: 'all' }] },
      grid: [{ left: 56, right: 20, top: 44, height: '46%' }, { left: 56, right: 20, top: '70%', bottom: 40 }],
      xAxis: [{ ...xAxis(0, ''), axisLabel: { show: false } }, xAxis(1, p.name)],
      yAxis: [
        { gridIndex: 0, type: 'value', name: L.objective, scale: true, axisLabel: { formatter: fmt } },
        // EI and PI are ≥ 0: their axis starts at 0 so heights compare honestly; UCB may be negative.
        { gridIndex: 1, type: 'value', name: L.acquisition, ...(s.acquisition.every((a) => a >= 0) ? { min: 0 } : { scale: true }), splitNumber: 2, axisLabel: { formatter: fmt } }
      ],
      series: [
        band,
        // Invisible edges of the band: they give the y axis its extent (a custom series does not).
        ...[lower, upper].map((edge) => ({ type: 'line', name: L.band, xAxisIndex: 0, yAxisIndex: 0, silent: true, showSymbol: false, lineStyle: { opacity: 0 }, tooltip: { show: false }, data: xs.map((x, i) => [xv(x), edge[i]]) })),
        { type: 'line', name: L.mean, xAxisIndex: 0, yAxisIndex: 0, showSymbol: false, lineStyle: { width: 2, color: c.palette[0] }, itemStyle: { color: c.palette[0] }, data: xs.map((x, i) => [xv(x), s.mean[i]]), markLine: nextLine },
        { type: 'scatter', name: L.observed, xAxisIndex: 0, yAxisIndex: 0, symbolSize: 8, itemStyle: { color: c.text }, data: s.points.map((q) => [xv(q.values[0]!), q.value, q.number]) },
        { type: 'line', name: L.acquisition, xAxisIndex: 1, yAxisIndex: 1, showSymbol: false, lineStyle: { width: 2, color: c.palette[2] }, itemStyle: { color: c.palette[2] }, areaStyle: { color: c.palette[2], opacity: 0.12 }, data: xs.map((x, i) => [xv(x), s.acquisition[i]]), markLine: nextLine }
      ]
    }
  }
}

function sliceAxis(p: ParamSpec, values: readonly ParamValue[]): MapAxis {
  if (isCategoryAxis(p)) {
    const cats = values.map(String)
    return { type: 'value', categories: cats, edges: cats.map((_, i) => i - 0.5).concat(cats.length - 0.5), units: [] }
  }
  const log = (p as { log?: boolean }).log === true
  const nums = values as number[]
  const t = (v: number): number => (log ? Math.log(v) : v)
  const inv = (v: number): number => (log ? Math.exp(v) : v)
  const edges = [nums[0]!]
  for (let i = 0; i + 1 < nums.length; i++) edges.push(inv((t(nums[i]!) + t(nums[i + 1]!)) / 2))
  edges.push(nums[nums.length - 1]!)
  return { type: log ? 'log' : 'value', edges, units: [] }
}

/**
 * GPyOpt's 2-D `plot_acquisition`: three maps side by side (posterior mean, posterior sd,
 * acquisition) over two parameters, with the observed trials on each and the acquisition's
 * maximum as a star.
 */
export function surrogate2dOption(s: SurrogateData, px: ParamSpec, py: ParamSpec, direction: Direction, c: HpoColors, L: SurrogateLabels): Built {
  const ax = sliceAxis(px, s.axes[0]!.values)
  const ay = sliceAxis(py, s.axes[1]!.values)
  const nx = s.axes[0]!.values.length
  const ny = s.axes[1]!.values.length
  const pos = (p: ParamSpec, ax2: MapAxis, v: ParamValue): number => (ax2.categories ? ax2.categories.indexOf(String(v)) : (v as number))
  const panels: { title: string; values: number[]; stops: readonly string[] }[] = [
    { title: L.mean, values: s.mean, stops: direction === 'minimize' ? [...c.sequential].reverse() : c.sequential },
    { title: L.sd, values: s.sd, stops: c.sequential },
    { title: L.acquisition, values: s.acquisition, stops: c.sequential }
  ]
  const best = argmax(s.acquisition)
  const bestXY = [pos(px, ax, s.axes[0]!.values[Math.floor(best / ny)]!), pos(py, ay, s.axes[1]!.values[best % ny]!)]
  const grids = panels.map((_, k) => ({ left: `${4 + k * 33}%`, width: '25%', top: 40, bottom: 44 }))
  const series: Record<string, unknown>[] = []
  panels.forEach((panel, k) => {
    const lo = Math.min(...panel.values)
    const hi = Math.max(...panel.values)
    const cells: (number | string)[][] = []
    for (let i = 0; i < nx; i++) {
      for (let j = 0; j < ny; j++) {
        const v = panel.values[i * ny + j]!
        cells.push([ax.edges[i]!, ax.edges[i + 1]!, ay.edges[j]!, ay.edges[j + 1]!, v, lerpColor(panel.stops, hi === lo ? 0.5 : (v - lo) / (hi - lo))])
      }
    }
    series.push(cellSeries(cells, k, k, panel.title))
    series.push({ type: 'scatter', name: L.observed, xAxisIndex: k, yAxisIndex: k, symbolSize: 7, itemStyle: { color: '#ffffff', borderColor: '#111827', borderWidth: 1 }, data: s.points.map((q) => [pos(px, ax, q.values[0]!), pos(py, ay, q.values[1]!), q.value, q.number]) })
    series.push({ type: 'scatter', name: L.next, xAxisIndex: k, yAxisIndex: k, symbol: 'path://M5,0L6.2,3.6L10,3.8L7,6.1L8.1,10L5,7.7L1.9,10L3,6.1L0,3.8L3.8,3.6Z', symbolSize: 14, itemStyle: { color: c.palette[1], borderColor: '#ffffff', borderWidth: 1 }, data: [bestXY] })
  })
  return {
    points: s.points.length,
    option: {
      animation: false,
      title: panels.map((p, k) => ({ text: p.title, left: `${4 + k * 33 + 12.5}%`, textAlign: 'center', top: 8, textStyle: { fontSize: 12, color: c.text, fontWeight: 'normal' } })),
      tooltip: { trigger: 'item', confine: true, formatter: (p: { seriesType: string; seriesName: string; value: unknown[] }) => (p.seriesType === 'custom' ? `${p.seriesName}: ${fmt(p.value[4])}` : p.value.length > 2 ? `${L.trial} ${p.value[3]}: ${fmt(p.value[2])}` : L.next) },
      toolbox: toolbox(L, c, `surrogate-${px.name}-${py.name}`, false),
      grid: grids,
      xAxis: panels.map((_, k) => mapAxisOption(px, ax, k, 'x')),
      yAxis: panels.map((_, k) => mapAxisOption(py, ay, k, 'y', k === 0)),
      series
    }
  }
}

/** Charts whose marks stand for one trial each. */
export type TrialChart = 'history' | 'parallel' | 'slice' | 'contour' | 'timeline'

/**
 * The trial a click on a chart mark stands for (ECharts click params: `value`, `name`,
 * `seriesType`), or null for marks that are not one trial (contour cells, the best-so-far line's
 * steps are still trials). Lets a click on a dot find its row in the trials table.
 */
export function trialFromClick(chart: TrialChart, p: { value?: unknown; name?: unknown; seriesType?: unknown }): number | null {
  const v = Array.isArray(p.value) ? (p.value as unknown[]) : []
  let n: unknown
  if (chart === 'history') n = v[0]
  else if (chart === 'parallel') n = typeof p.name === 'string' && p.name !== '' ? Number(p.name) : undefined
  else if (chart === 'slice') n = v[2]
  else if (chart === 'contour') n = p.seriesType === 'scatter' ? v[3] : undefined
  else n = v[3]
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : null
}
