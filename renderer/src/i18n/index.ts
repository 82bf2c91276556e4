/**
 * vue-i18n in Composition mode. Messages are plain strings compiled by vue-i18n's JIT compiler to
 * an AST and interpreted, so nothing is evaluated with `new Function` (the CSP forbids eval).
 */
import { createI18n } from 'vue-i18n'
import en from './en'
import ko from './ko'

import type { Locale } from '../lib/locale'
export const LOCALES: readonly { code: Locale; label: string }[] = [
  { code: 'en', label: 'English' },
  { code: 'ko', label: '한국어' }
]

export const i18n = createI18n({
  legacy: false,
  locale: 'en',
  fallbackLocale: 'en',
  messages: { en, ko },
  missingWarn: false,
  fallbackWarn: false
})

/** Translation outside components (stores, toasts). */
export function t(key: string, params?: Record<string, unknown>): string {
  return i18n.global.t(key, params ?? {})
}
