import { describe, expect, it } from 'vitest'
import {
  bestSoFar, contourData, intermediateCurves, parallelCoordinates, parameterImportance, sliceData, timeline
} from '../../main/hpo/analysis'
import { surrogateSlice } from '../../main/hpo/samplers/gpSampler'
import type { SearchSpace } from '../../main/hpo/space'
import type { Trial } from '../../main/hpo/types'
import {
  argmax, contourOption, historyOption, idw, importanceOption, intermediateOption, lerpColor, parallelOption, sliceOption,
  stateColor, surrogate1dOption, surrogate2dOption, timelineOption, trialFromClick, type HpoColors
} from '../../renderer/src/lib/hpoCharts'

const C: HpoColors = {
  palette: ['#000001', '#000002', '#000003', '#000004', '#000005', '#000006', '#000007', '#000008'],
  text: '#111111', muted: '#222222', bg: '#ffffff', sequential: ['#000000', '#ffffff']
}
const TOOLS = { save: 'Save', zoom: 'Zoom', zoomBack: 'Back', restore: 'Reset' }
const STATES = { waiting: 'W', running: 'R', complete: 'C', pruned: 'P', failed: 'F' } as const

const space: SearchSpace = {
  params: [
    { name: 'learningRate', kind: 'float', low: 0.01, high: 0.5, log: true },
    { name: 'model.layers', kind: 'discrete', values: [3, 2] },
    { name: 'optimizer', kind: 'categorical', choices: ['sgd', 'adam'] }
  ]
}

function trial(number: number, state: Trial['state'], params: Trial['params'], value?: number, extra: Partial<Trial> = {}): Trial {
  return { number, state, params, intermediate: {}, attrs: {}, ...(value !== undefined ? { value } : {}), ...extra }
}
const trials: Trial[] = [
  trial(0, 'complete', { learningRate: 0.02, 'model.layers': 2, optimizer: 'sgd' }, 0.5, { intermediate: { 0: 0.4, 1: 0.5 }, startedAt: 1000, endedAt: 3000, worker: 'w0' }),
  trial(1, 'complete', { learningRate: 0.1, 'model.layers': 3, optimizer: 'adam' }, 0.3, { intermediate: { 0: 0.2, 1: 0.3 }, startedAt: 1000, endedAt: 2500, worker: 'w1' }),
  trial(2, 'pruned', { learningRate: 0.4, 'model.layers': 2, optimizer: 'adam' }, 0.1, { intermediate: { 0: 0.1 }, startedAt: 2500, endedAt: 2700, worker: 'w1' }),
  trial(3, 'complete', { learningRate: 0.05, 'model.layers': 3, optimizer: 'sgd' }, 0.7, { intermediate: { 0: 0.6, 1: 0.7 }, startedAt: 3000, endedAt: 5000, worker: 'w0' }),
  trial(4, 'running', { learningRate: 0.2, 'model.layers': 2, optimizer: 'sgd' }, undefined, { startedAt: 5000, worker: 'w0' }),
  trial(5, 'failed', { learningRate: 0.3, 'model.layers': 3, optimizer: 'sgd' }, undefined, { startedAt: 2700, endedAt: 2800, worker: 'w1' })
]
type Series = { type: string; name?: string; data: unknown[] }
const series = (o: Record<string, unknown>): Series[] => o.series as Series[]

describe('HPO chart option builders', () => {
  it('history: a dot per complete trial, best-so-far as a step line, new bests highlighted', () => {
    const { option, points } = historyOption(bestSoFar(trials, 'maximize'), C, { ...TOOLS, trial: 'trial', objective: 'obj', value: 'value', best: 'best' })
    expect(points).toBe(3)
    const [dots, line] = series(option)
    expect(dots!.data.map((d) => (d as { value: number[] }).value)).toEqual([[0, 0.5], [1, 0.3], [3, 0.7]])
    expect((dots!.data[1] as { itemStyle?: unknown }).itemStyle).toBeUndefined()
    expect((dots!.data[2] as { itemStyle: { color: string } }).itemStyle.color).toBe(C.palette[1])
    expect(line!.data).toEqual([[0, 0.5], [1, 0.5], [3, 0.7]])
    expect((option.toolbox as { feature: Record<string, unknown> }).feature).toHaveProperty('saveAsImage')
    expect((option.toolbox as { feature: Record<string, unknown> }).feature).toHaveProperty('dataZoom')
  })

  it('intermediate: one line per trial coloured by state, a pruned trial ends in a cross', () => {
    const { option, points } = intermediateOption(intermediateCurves(trials), C, { ...TOOLS, step: 'epoch', objective: 'obj', trial: 'trial', states: STATES })
    expect(points).toBe(4)
    const s = series(option) as unknown as { id: string; name: string; lineStyle: { color: string; type?: string }; data: { value: number[]; symbol: string }[] }[]
    expect(s.map((x) => x.id)).toEqual(['t-0', 't-1', 't-2', 't-3'])
    const pruned = s[2]!
    expect(pruned.name).toBe('P')
    expect(pruned.lineStyle).toEqual({ width: 1.25, color: stateColor('pruned', C), type: 'dashed' })
    expect(pruned.data[0]!.symbol).toMatch(/^path:/)
    expect(s[0]!.data.map((d) => d.symbol)).toEqual(['none', 'circle'])
    expect((option.legend as { data: string[] }).data).toEqual(['C', 'P'])
  })

  it('parallel coordinates: log axis, category axes in order, objective last, best end of the colour scale', () => {
    const pc = parallelCoordinates(trials, space)
    const { option, points } = parallelOption(pc, 'minimize', C, { objective: 'obj', save: 'Save' })
    expect(points).toBe(3)
    const axes = option.parallelAxis as { dim: number; name: string; type: string; data?: string[] }[]
    expect(axes.map((a) => [a.dim, a.name, a.type])).toEqual([[0, 'learningRate', 'log'], [1, 'model.layers', 'category'], [2, 'optimizer', 'category'], [3, 'obj', 'value']])
    expect(axes[1]!.data).toEqual(['2', '3'])
    expect(series(option)[0]!.data).toEqual([
      { name: '0', value: [0.02, '2', 'sgd', 0.5] },
      { name: '1', value: [0.1, '3', 'adam', 0.3] },
      { name: '3', value: [0.05, '3', 'sgd', 0.7] }
    ])
    const vm = option.visualMap as { dimension: number; min: number; max: number; inRange: { color: string[] } }
    expect([vm.dimension, vm.min, vm.max]).toEqual([3, 0.3, 0.7])
    // Minimizing: the low (best) values get the last colour of the scale.
    expect(vm.inRange.color).toEqual(['#ffffff', '#000000'])
    expect(parallelOption(pc, 'maximize', C, { objective: 'obj', save: 'Save' }).option.visualMap).toMatchObject({ inRange: { color: ['#000000', '#ffffff'] } })
  })

  it('parallel coordinates: inactive conditional parameters become ECharts gaps', () => {
    const cond: SearchSpace = { params: [{ name: 'opt', kind: 'categorical', choices: ['sgd', 'momentum'] }, { name: 'm', kind: 'float', low: 0, high: 1, when: { parent: 'opt', values: ['momentum'] } }] }
    const pc = parallelCoordinates([trial(0, 'complete', { opt: 'sgd' }, 1), trial(1, 'complete', { opt: 'momentum', m: 0.9 }, 2)], cond)
    expect(series(parallelOption(pc, 'minimize', C, { objective: 'o', save: 's' }).option)[0]!.data).toEqual([
      { name: '0', value: ['sgd', '-', 1] }, { name: '1', value: ['momentum', 0.9, 2] }
    ])
  })

  it('slices: numeric (log) and category x axes, dots carry trial numbers', () => {
    const sd = sliceData(trials, space)
    const lr = sliceOption(space.params[0]!, sd.learningRate!, C, { ...TOOLS, objective: 'o', trial: 't' })
    expect(lr.points).toBe(3)
    expect((lr.option.xAxis as { type: string }).type).toBe('log')
    expect(series(lr.option)[0]!.data).toEqual([[0.02, 0.5, 0], [0.1, 0.3, 1], [0.05, 0.7, 3]])
    const layers = sliceOption(space.params[1]!, sd['model.layers']!, C, { ...TOOLS, objective: 'o', trial: 't' })
    expect(layers.option.xAxis).toMatchObject({ type: 'category', data: ['2', '3'] })
    expect(series(layers.option)[0]!.data).toEqual([['2', 0.5, 0], ['3', 0.3, 1], ['3', 0.7, 3]])
  })

  it('contour: interpolated cells covering both axes under the trials, category axes labelled at integers', () => {
    const pts = contourData(trials, 'learningRate', 'model.layers')
    const { option, points } = contourOption(space.params[0]!, space.params[1]!, pts, 'maximize', C, { ...TOOLS, objective: 'o', trial: 't' }, 10)
    expect(points).toBe(3)
    const [cells, dots] = series(option)
    expect(cells!.type).toBe('custom')
    expect(cells!.data).toHaveLength(10 * 2)
    const first = cells!.data[0] as number[]
    expect(first[0]).toBeCloseTo(0.01, 10)
    expect(first[2]).toBe(-0.5)
    const last = cells!.data[19] as number[]
    expect(last[1]).toBeCloseTo(0.5, 10)
    expect(last[3]).toBe(1.5)
    // Interpolated values stay within the observed range.
    for (const c of cells!.data as number[][]) expect(c[4]).toBeGreaterThanOrEqual(0.3 - 1e-12)
    for (const c of cells!.data as number[][]) expect(c[4]).toBeLessThanOrEqual(0.7 + 1e-12)
    // Discrete values sit at their sorted index: layers 2 → 0, 3 → 1.
    expect((dots!.data as unknown[][]).map((d) => d.slice(0, 4))).toEqual([[0.02, 0, 0.5, 0], [0.1, 1, 0.3, 1], [0.05, 1, 0.7, 3]])
    const y = option.yAxis as { axisLabel: { customValues: number[]; formatter: (v: number) => string } }
    expect(y.axisLabel.customValues).toEqual([0, 1])
    expect(y.axisLabel.formatter(1)).toBe('3')
    expect((option.xAxis as { type: string }).type).toBe('log')
    // Fewer than two trials: no background, only the dots.
    expect(series(contourOption(space.params[0]!, space.params[1]!, pts.slice(0, 1), 'maximize', C, { ...TOOLS, objective: 'o', trial: 't' }).option)[0]!.data).toEqual([])
  })

  it('idw interpolates: exact at a trial, weighted between', () => {
    const pts = [{ u: [0, 0] as [number, number], value: 1 }, { u: [1, 0] as [number, number], value: 3 }]
    expect(idw(pts, [0, 0])).toBe(1)
    expect(idw(pts, [0.5, 0])).toBeCloseTo(2, 12)
    expect(idw(pts, [0.25, 0])).toBeCloseTo((1 / 0.0625 + 3 / 0.5625) / (1 / 0.0625 + 1 / 0.5625), 12)
  })

  it('importance: bars sorted as given, percentages', () => {
    const imp = parameterImportance(trials, space, { seed: 1 })
    const { option, points } = importanceOption(imp, C, { importance: 'imp', save: 'Save' })
    expect(points).toBe(3)
    expect((option.yAxis as { data: string[] }).data).toEqual(imp.map((x) => x.name))
    expect(series(option)[0]!.data.reduce((a: number, b) => a + (b as number), 0)).toBeCloseTo(1, 10)
  })

  it('timeline: lanes per worker, one bar per started trial by state, running bars end now', () => {
    const { option, points } = timelineOption(timeline(trials, 6000), C, { ...TOOLS, worker: 'w', time: 't', trial: 'n', states: STATES })
    expect(points).toBe(6)
    expect((option.yAxis as { data: string[] }).data).toEqual(['w0', 'w1'])
    const s = series(option)
    expect(s.map((x) => x.name)).toEqual(['C', 'P', 'F', 'R'])
    expect(s[0]!.data).toEqual([[0, 1000, 3000, 0], [0, 3000, 5000, 3], [1, 1000, 2500, 1]])
    expect(s[3]!.data).toEqual([[0, 5000, 6000, 4]])
  })

  it('surrogate 1-D: mean line, ±sd band polygon, trials, acquisition with its maximum marked', () => {
    const done = trials.filter((t) => t.state === 'complete')
    const s = surrogateSlice(done, space, ['learningRate'], { direction: 'maximize', resolution: 11 })
    const { option, points } = surrogate1dOption(s, space.params[0]!, C, { ...TOOLS, mean: 'm', sd: 'sd', band: 'b', acquisition: 'a', observed: 'o', next: 'n', objective: 'obj', trial: 't' })
    expect(points).toBe(3)
    const ss = series(option) as unknown as { type: string; name: string; data: unknown[]; markLine?: { data: { xAxis: unknown }[] } }[]
    expect(ss.map((x) => [x.type, x.name])).toEqual([['custom', 'b'], ['line', 'b'], ['line', 'b'], ['line', 'm'], ['scatter', 'o'], ['line', 'a']])
    expect(ss[3]!.data).toHaveLength(s.axes[0]!.values.length)
    const best = argmax(s.acquisition)
    expect(ss[5]!.markLine!.data[0]!.xAxis).toBe(s.axes[0]!.values[best])
    // The band's edges are mean ∓ sd (they set the y axis's extent).
    expect((ss[1]!.data as number[][]).map((d) => d[1])).toEqual(s.mean.map((m, i) => m - s.sd[i]!))
    expect((ss[2]!.data as number[][]).map((d) => d[1])).toEqual(s.mean.map((m, i) => m + s.sd[i]!))
  })

  it('surrogate 2-D: mean, sd and acquisition maps with trials and the next suggestion on each', () => {
    const done = trials.filter((t) => t.state === 'complete')
    const s = surrogateSlice(done, space, ['learningRate', 'optimizer'], { direction: 'maximize', resolution: 6 })
    const { option } = surrogate2dOption(s, space.params[0]!, space.params[2]!, 'maximize', C, { ...TOOLS, mean: 'm', sd: 'sd', band: 'b', acquisition: 'a', observed: 'o', next: 'n', objective: 'obj', trial: 't' })
    const ss = series(option)
    expect(ss.map((x) => x.name)).toEqual(['m', 'o', 'n', 'sd', 'o', 'n', 'a', 'o', 'n'])
    expect(ss[0]!.data).toHaveLength(s.mean.length)
    // Cell colours span the scale: the extremes of each panel get its end colours.
    const colours = (ss[6]!.data as (number | string)[][]).map((c) => c[5])
    expect(colours).toContain('#000000')
    expect(colours).toContain('#ffffff')
    expect((option.grid as unknown[]).length).toBe(3)
  })

  it('a click on a mark finds its trial (and nothing for marks that are not one trial)', () => {
    expect(trialFromClick('history', { value: [4, 0.3] })).toBe(4)
    expect(trialFromClick('parallel', { name: '7', value: [0.1, '2', 0.5] })).toBe(7)
    expect(trialFromClick('slice', { value: ['adam', 0.5, 3] })).toBe(3)
    expect(trialFromClick('contour', { seriesType: 'scatter', value: [0.02, 0, 0.5, 2, 0.02, 2] })).toBe(2)
    expect(trialFromClick('contour', { seriesType: 'custom', value: [0, 1, 0, 1, 0.4, '#fff'] })).toBeNull()
    expect(trialFromClick('timeline', { value: [0, 1000, 3000, 5] })).toBe(5)
    expect(trialFromClick('parallel', { name: '' })).toBeNull()
    expect(trialFromClick('history', {})).toBeNull()
  })

  it('lerpColor interpolates in RGB and clamps', () => {
    expect(lerpColor(['#000000', '#ffffff'], 0.5)).toBe('#808080')
    expect(lerpColor(['#000000', '#ff0000', '#ffffff'], 0.25)).toBe('#800000')
    expect(lerpColor(['#000000', '#ffffff'], 2)).toBe('#ffffff')
    expect(lerpColor(['#123456'], 0.3)).toBe('#123456')
  })
})
