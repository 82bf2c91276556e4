import { describe, expect, it } from 'vitest'
import en from '../../renderer/src/i18n/en'
import ko from '../../renderer/src/i18n/ko'

type Tree = { [k: string]: string | Tree }
function leaves(t: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(t)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (typeof v === 'string') out.set(key, v)
    else for (const [kk, vv] of leaves(v, key)) out.set(kk, vv)
  }
  return out
}
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('UI strings', () => {
  const e = leaves(en as unknown as Tree)
  const k = leaves(ko as unknown as Tree)
  it('has the same keys in English and Korean', () => {
    expect([...k.keys()].sort()).toEqual([...e.keys()].sort())
  })
  it('uses the same placeholders in both languages', () => {
    for (const [key, v] of e) expect({ key, p: placeholders(k.get(key) ?? '') }).toEqual({ key, p: placeholders(v) })
  })
  it('contains no characters vue-i18n would treat as syntax (linked @, plural |)', () => {
    for (const [key, v] of [...e, ...k]) expect({ key, bad: /[@|]/.test(v) }).toEqual({ key, bad: false })
  })
  it('is actually translated (Korean differs from English for most strings)', () => {
    const same = [...e].filter(([key, v]) => v.length > 3 && k.get(key) === v).map(([key]) => key)
    expect(same.length).toBeLessThan(e.size * 0.1)
  })
})
