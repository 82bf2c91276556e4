import { describe, expect, it } from 'vitest'
import { base64Bytes, toRgba } from '../../renderer/src/lib/pixels'
import { binLabels, classDistributionOption, correlationOf, heatmapOption, scatterOption, sparkBars } from '../../renderer/src/lib/datasetCharts'

const colors = { palette: ['#a', '#b', '#c'], text: '#t', muted: '#m', diverging: ['#1', '#2', '#3'] as [string, string, string] }

describe('pixels', () => {
  it('decodes base64 and expands grayscale and RGB to opaque RGBA', () => {
    const gray = base64Bytes(Buffer.from([0, 128, 255, 7]).toString('base64'))
    expect([...toRgba(gray, 2, 2, 1)].slice(0, 8)).toEqual([0, 0, 0, 255, 128, 128, 128, 255])
    const rgb = new Uint8Array([1, 2, 3, 4, 5, 6])
    expect([...toRgba(rgb, 2, 1, 3)]).toEqual([1, 2, 3, 255, 4, 5, 6, 255])
  })
})

describe('dataset charts', () => {
  it('labels histogram bins with enough digits to tell them apart', () => {
    expect(binLabels({ edges: [0, 0.25, 0.5], counts: [3, 4] })).toEqual(['0.00–0.25', '0.25–0.50'])
    expect(binLabels({ edges: [0, 10, 20], counts: [1, 1] })).toEqual(['0–10', '10–20'])
  })
  it('draws only splits that have examples', () => {
    const o = classDistributionOption({ classNames: ['a', 'b'], train: [5, 6], val: [1, 1], test: [0, 0] }, colors, { train: 'T', val: 'V', test: 'X' }) as { series: Array<{ name: string }> }
    expect(o.series.map((s) => s.name)).toEqual(['T', 'V'])
  })
  it('groups scatter points by class, or uses a colour scale for regression', () => {
    const pts = { x: [1, 2, 3], y: [4, 5, 6], c: [0, 1, 0] }
    const cls = scatterOption(pts, 'x', 'y', ['a', 'b'], colors) as { series: Array<{ name: string; data: unknown[] }> }
    expect(cls.series.map((s) => [s.name, s.data.length])).toEqual([['a', 2], ['b', 1]])
    const reg = scatterOption({ ...pts, c: [0.5, 2.5, 1] }, 'x', 'y', null, colors) as { visualMap: { min: number; max: number } }
    expect(reg.visualMap).toMatchObject({ min: 0.5, max: 2.5 })
  })
  it('builds an n × n heat map and looks up coefficients', () => {
    const corr = { columns: ['a', 'b'], matrix: [[1, -0.5], [-0.5, 1]] }
    const o = heatmapOption(corr, colors) as { series: Array<{ data: unknown[] }> }
    expect(o.series[0]!.data).toHaveLength(4)
    expect(o.series[0]!.data).toContainEqual([1, 0, -0.5])
    expect(correlationOf(corr, 'a', 'b')).toBe(-0.5)
    expect(correlationOf(corr, 'a', 'zz')).toBeNull()
    expect(correlationOf(null, 'a', 'b')).toBeNull()
  })
  it('normalizes mini-chart bars to the tallest', () => {
    expect(sparkBars({ histogram: { edges: [0, 1, 2, 3], counts: [1, 4, 2] }, topCategories: [] })).toEqual([0.25, 1, 0.5])
    expect(sparkBars({ histogram: null, topCategories: [{ value: 'a', count: 2 }, { value: 'b', count: 1 }] })).toEqual([1, 0.5])
  })
})
