/**
 * Import warnings in the person's language (issue 3): a coded warning is said with the i18n
 * message `warnings.<code>` and its params (numbers grouped for the locale); a code this renderer
 * does not know, or a plain string from a dataset imported before the codes, shows its English text.
 */
import type { ImportWarning } from '../../../preload/contract/types'

type T = (key: string, params: Record<string, unknown>) => string
type Te = (key: string) => boolean

export function warningText(w: ImportWarning, t: T, te: Te, locale = 'en'): string {
  if (typeof w === 'string') return w
  const key = `warnings.${w.code}`
  if (!te(key)) return w.message
  const nf = new Intl.NumberFormat(locale)
  const params: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(w.params)) params[k] = typeof v === 'number' ? nf.format(v) : v
  return t(key, params)
}
