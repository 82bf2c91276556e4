/** Picks the UI language from the browser's preferences: Korean when preferred, else English. */
export type Locale = 'en' | 'ko'

export function defaultLocale(languages: readonly string[]): Locale {
  for (const l of languages) {
    const base = l.toLowerCase().split('-')[0]
    if (base === 'ko') return 'ko'
    if (base === 'en') return 'en'
  }
  return 'en'
}
