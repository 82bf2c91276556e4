/** The study charts' colours for the current theme (see lib/hpoCharts HpoColors). */
import { computed, type ComputedRef } from 'vue'
import { PALETTE } from '@renderer/components/chart/echarts'
import type { HpoColors } from '@renderer/lib/hpoCharts'
import { useSettings } from '@renderer/stores/settings'

/** Viridis stops: perceptually even, dark end readable on the light background. */
const VIRIDIS = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'] as const
/** Viridis with a lighter violet start, so the low end of lines and dots stays visible on dark. */
const VIRIDIS_DARK = ['#7b6fd6', '#4b8fd0', '#21a38c', '#5ec962', '#fde725'] as const

export function useHpoColors(): ComputedRef<HpoColors> {
  const settings = useSettings()
  return computed(() => {
    const dark = settings.effectiveTheme === 'dark'
    return {
      palette: dark ? PALETTE.dark : PALETTE.light,
      text: dark ? '#c9d1d9' : '#374151',
      muted: dark ? '#8b949e' : '#6b7280',
      bg: dark ? '#151b23' : '#ffffff',
      sequential: dark ? VIRIDIS_DARK : VIRIDIS
    }
  })
}
