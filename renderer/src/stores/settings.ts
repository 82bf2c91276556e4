/**
 * Language and theme, persisted in localStorage. The effective theme follows
 * `prefers-color-scheme` live when the choice is "system"; it is written to
 * `<html data-theme>` (CSS variables) and read by charts (ECharts theme).
 */
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { i18n } from '@renderer/i18n'
import { defaultLocale, type Locale } from '@renderer/lib/locale'

export type ThemeChoice = 'system' | 'light' | 'dark'
const LOCALE_KEY = 'studio.locale'
const THEME_KEY = 'studio.theme'
const SMOOTHING_KEY = 'studio.smoothing'
const THREADS_KEY = 'studio.threads'

function read(key: string): string | null {
  try { return localStorage.getItem(key) } catch { return null }
}
function write(key: string, value: string): void {
  try { localStorage.setItem(key, value) } catch { /* storage disabled: setting lasts this session */ }
}

export const useSettings = defineStore('settings', () => {
  const storedLocale = read(LOCALE_KEY)
  const locale = ref<Locale>(storedLocale === 'en' || storedLocale === 'ko'
    ? storedLocale
    : defaultLocale(navigator.languages?.length ? navigator.languages : [navigator.language]))
  const storedTheme = read(THEME_KEY)
  const theme = ref<ThemeChoice>(storedTheme === 'light' || storedTheme === 'dark' ? storedTheme : 'system')

  const media = window.matchMedia('(prefers-color-scheme: dark)')
  const systemDark = ref(media.matches)
  media.addEventListener('change', (e) => { systemDark.value = e.matches })

  const effectiveTheme = computed<'light' | 'dark'>(() =>
    theme.value === 'system' ? (systemDark.value ? 'dark' : 'light') : theme.value)

  watch(locale, (l) => {
    i18n.global.locale.value = l
    document.documentElement.lang = l
    write(LOCALE_KEY, l)
  }, { immediate: true })

  watch(theme, (th) => write(THEME_KEY, th))
  watch(effectiveTheme, (th) => {
    document.documentElement.dataset.theme = th
    document.documentElement.style.colorScheme = th
  }, { immediate: true })

  /** Chart smoothing (EMA weight), shared by run and compare views. */
  const storedSmoothing = Number(read(SMOOTHING_KEY))
  const smoothing = ref(read(SMOOTHING_KEY) !== null && storedSmoothing >= 0 && storedSmoothing <= 0.99 ? storedSmoothing : 0.6)
  watch(smoothing, (w) => write(SMOOTHING_KEY, String(w)))

  /** Threads for new runs as typed in Settings ('' = Auto), the New Run form's starting value (issue 6). */
  const defaultThreads = ref(read(THREADS_KEY) ?? '')
  watch(defaultThreads, (v) => write(THREADS_KEY, v.trim()))

  return { locale, theme, effectiveTheme, smoothing, defaultThreads }
})
