/**
 * Sentences from main in the person's language. Main sends each user-facing problem as an English
 * sentence (for the CLI, logs and any renderer that does not know it) plus a key and the values in
 * it (file, line, column, expected, found, …). In English the renderer shows main's own sentence;
 * in another locale it shows the i18n message `<group>.<key>` filled with those values (numbers
 * grouped for the locale), and main's English sentence when it has no such message.
 */
import type { ImportErrorInfo, SkippedFile } from '../../../preload/contract/types'

type T = (key: string, params: Record<string, unknown>) => string
type Te = (key: string) => boolean
export type Params = Record<string, string | number>

/** Values formatted for the locale: numbers grouped (1,234), strings as they are. */
export function localParams(params: Params | undefined, locale: string): Record<string, string> {
  const nf = new Intl.NumberFormat(locale, { maximumFractionDigits: 6 })
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(params ?? {})) out[k] = typeof v === 'number' ? nf.format(v) : v
  return out
}

/** `<group>.<key>` with params in `locale`, or `english` when there is no key or no message for it. */
export function codedText(
  group: string, key: string | undefined, params: Params | undefined, english: string, t: T, te: Te, locale: string
): string {
  if (locale === 'en' || !key) return english
  const k = `${group}.${key}`
  if (!te(k)) return english
  return t(k, localParams(params, locale))
}

/** The sentence of a failed import. */
export function importErrorText(e: ImportErrorInfo, t: T, te: Te, locale: string): string {
  return codedText('importErrors', e.key, e.params, e.message, t, te, locale)
}

/** Why a file was skipped at import (without its name, which the list shows next to it). */
export function skipReasonText(s: SkippedFile, t: T, te: Te, locale: string): string {
  return codedText('skipReasons', s.code, s.params, s.reason, t, te, locale)
}
