/** The dataset charts' colours for the current theme (series palette, text, diverging scale). */
import { computed, type ComputedRef } from 'vue'
import { PALETTE } from '@renderer/components/chart/echarts'
import type { ChartColors } from '@renderer/lib/datasetCharts'
import { useSettings } from '@renderer/stores/settings'

export function useChartColors(): ComputedRef<ChartColors> {
  const settings = useSettings()
  return computed(() => {
    const dark = settings.effectiveTheme === 'dark'
    return {
      palette: dark ? PALETTE.dark : PALETTE.light,
      text: dark ? '#c9d1d9' : '#374151',
      muted: dark ? '#8b949e' : '#6b7280',
      diverging: dark ? ['#3b82f6', '#1c232d', '#f87171'] : ['#2563eb', '#f8fafc', '#dc2626']
    }
  })
}
