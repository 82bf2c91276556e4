/**
 * Sentences from main in the person's language. Main sends each user-facing problem as an English
 * sentence (for the CLI, logs and any renderer that does not know it) plus a key and the values in
 * it (file, line, column, expected, found, …). In English the renderer shows main's own sentence;
 * in another locale it shows the i18n message `<group>.<key>` filled with those values (numbers
 * grouped for the locale), and main's English sentence when it has no such message.
 */
import type { BackendInfo, ImportErrorInfo, RunNotice, SkippedFile } from '../../../preload/contract/types'
import type { GraphIssue } from '../../../preload/contract/model'
import { issueText } from './issueText'

type T = (key: string, params: Record<string, unknown>) => string
type Te = (key: string) => boolean
export type Params = Record<string, string | number>

/** Values formatted for the locale: numbers grouped (1,234), strings as they are. */
export function localParams(params: Params | undefined, locale: string, grouping = true): Record<string, string> {
  const nf = new Intl.NumberFormat(locale, { maximumFractionDigits: 6, useGrouping: grouping })
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(params ?? {})) out[k] = typeof v === 'number' ? nf.format(v) : v
  return out
}

/** `<group>.<key>` with params in `locale`, or `english` when there is no key or no message for it. */
export function codedText(
  group: string, key: string | undefined, params: Params | undefined, english: string, t: T, te: Te, locale: string, grouping = true
): string {
  if (locale === 'en' || !key) return english
  const k = `${group}.${key}`
  if (!te(k)) return english
  return t(k, localParams(params, locale, grouping))
}

/** The sentence of a failed import. */
export function importErrorText(e: ImportErrorInfo, t: T, te: Te, locale: string): string {
  return codedText('importErrors', e.key, e.params, e.message, t, te, locale)
}

/** Why a file was skipped at import (without its name, which the list shows next to it). */
export function skipReasonText(s: SkippedFile, t: T, te: Te, locale: string): string {
  return codedText('skipReasons', s.code, s.params, s.reason, t, te, locale)
}

/**
 * A composer graph problem: `graphIssues.<key>` in the person's language (shapes and sizes as
 * written, no digit grouping); an issue without a known key falls back to the English-pattern
 * translation of lib/issueText (the code's headline, then main's English sentence). `message` is
 * the text to say; the issue's key is used only when it is that issue's own message.
 */
export function graphIssueText(issue: GraphIssue | undefined, message: string, t: T, te: Te, locale: string): string {
  const own = issue && issue.message === message ? issue : undefined
  if (locale !== 'en' && own?.key && te(`graphIssues.${own.key}`)) return codedText('graphIssues', own.key, own.params, message, t, te, locale, false)
  return issueText(message, locale, issue ? t(`composer.issues.${issue.code}`, {}) : '')
}

/**
 * Why a faster backend was not used: each of main's reasons from `fallbackReasons.<code>`, joined
 * with "; ". Main's English sentence when the locale is English, when the record predates the
 * codes, or when any code is unknown here (a half-translated list would be worse than English).
 */
export function fallbackReasonText(info: Pick<BackendInfo, 'fallbackReason' | 'fallbackReasons'> | null | undefined, t: T, te: Te, locale: string): string {
  const english = info?.fallbackReason ?? ''
  const coded = info?.fallbackReasons
  if (locale === 'en' || !coded?.length || !coded.every((r) => te(`fallbackReasons.${r.code}`))) return english
  return coded.map((r) => t(`fallbackReasons.${r.code}`, r.params)).join('; ')
}

/** A trainer notice (early stopping, fresh optimizer state, the thread share changed). */
export function noticeText(n: RunNotice, t: T, te: Te, locale: string): string {
  return codedText('notices', n.key, n.params, n.message, t, te, locale, false)
}
