/**
 * ECharts, tree-shaken to what our charts use, with a light and a dark theme that follow the app's
 * CSS variables' palette. ECharts 5 cannot switch a live instance's theme, so charts re-init on
 * theme change.
 */
import * as echarts from 'echarts/core'
import { BarChart, CustomChart, HeatmapChart, LineChart, ParallelChart, ScatterChart } from 'echarts/charts'
import {
  DataZoomInsideComponent, DataZoomSliderComponent, GridComponent, LegendComponent,
  ToolboxComponent, TooltipComponent, VisualMapComponent,
  // HPO study charts: parallel coordinates, timeline/contour cells, the GP's next point, panel titles.
  MarkLineComponent, ParallelComponent, TitleComponent
} from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([
  LineChart, BarChart, ScatterChart, HeatmapChart, VisualMapComponent, GridComponent, TooltipComponent, LegendComponent, ToolboxComponent,
  DataZoomInsideComponent, DataZoomSliderComponent, CanvasRenderer,
  ParallelChart, ParallelComponent, CustomChart, MarkLineComponent, TitleComponent
])

export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", sans-serif'

/** Series colors, chosen to stay distinct on both backgrounds. */
export const PALETTE = {
  light: ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'],
  dark: ['#60a5fa', '#f87171', '#34d399', '#fbbf24', '#a78bfa', '#22d3ee', '#f472b6', '#9ca3af']
} as const

function theme(dark: boolean): object {
  const text = dark ? '#c9d1d9' : '#374151'
  const muted = dark ? '#8b949e' : '#6b7280'
  const line = dark ? '#30363d' : '#e5e7eb'
  const axis = dark ? '#484f58' : '#d1d5db'
  return {
    color: [...(dark ? PALETTE.dark : PALETTE.light)],
    backgroundColor: 'transparent',
    textStyle: { color: text, fontFamily: FONT },
    legend: { textStyle: { color: text } },
    tooltip: {
      backgroundColor: dark ? '#161b22' : '#ffffff',
      borderColor: axis,
      textStyle: { color: text }
    },
    categoryAxis: {
      axisLine: { show: true, lineStyle: { color: axis } },
      axisTick: { lineStyle: { color: axis } },
      axisLabel: { color: muted },
      splitLine: { lineStyle: { color: line } }
    },
    visualMap: { textStyle: { color: muted } },
    valueAxis: {
      axisLine: { show: true, lineStyle: { color: axis } },
      axisTick: { lineStyle: { color: axis } },
      axisLabel: { color: muted },
      splitLine: { lineStyle: { color: line } },
      nameTextStyle: { color: muted }
    },
    toolbox: { iconStyle: { borderColor: muted }, emphasis: { iconStyle: { borderColor: dark ? '#58a6ff' : '#2563eb' } } },
    dataZoom: {
      borderColor: axis,
      textStyle: { color: muted },
      fillerColor: dark ? 'rgba(88,166,255,0.15)' : 'rgba(37,99,235,0.12)',
      handleStyle: { color: dark ? '#30363d' : '#ffffff', borderColor: axis },
      moveHandleStyle: { color: axis },
      dataBackground: { lineStyle: { color: axis }, areaStyle: { color: line } },
      selectedDataBackground: { lineStyle: { color: dark ? '#58a6ff' : '#2563eb' }, areaStyle: { color: dark ? '#1f6feb33' : '#2563eb22' } }
    }
  }
}

echarts.registerTheme('studio-light', theme(false))
echarts.registerTheme('studio-dark', theme(true))

export { echarts }
export type ECharts = ReturnType<typeof echarts.init>
