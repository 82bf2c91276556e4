import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { PAGE_TITLES } from '../../renderer/src/lib/pageTitles'
import en from '../../renderer/src/i18n/en'
import ko from '../../renderer/src/i18n/ko'
import { repoRoot } from '../helpers/core'

const lookup = (tree: unknown, key: string): unknown => key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], tree)

describe('top bar page titles', () => {
  // Route names read from the router's source (importing it would load every view).
  const src = readFileSync(path.join(repoRoot, 'renderer', 'src', 'router.ts'), 'utf8')
  const names = [...src.matchAll(/name: '(\w+)'/g)].map((m) => m[1]!)

  it('names a title for every named route (no page falls back to the app name)', () => {
    expect(names.length).toBeGreaterThan(10)
    expect(names.filter((n) => !(n in PAGE_TITLES))).toEqual([])
  })
  it('uses keys that exist in English and Korean', () => {
    for (const key of Object.values(PAGE_TITLES)) {
      expect({ key, en: typeof lookup(en, key) }).toEqual({ key, en: 'string' })
      expect({ key, ko: typeof lookup(ko, key) }).toEqual({ key, ko: 'string' })
    }
  })
})
