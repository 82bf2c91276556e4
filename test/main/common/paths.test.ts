import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { PathEscapeError, defaultDataDir, resolveInside } from '../../../main/common/paths'

describe('resolveInside', () => {
  it('joins paths that stay inside', () => {
    expect(resolveInside('/data', 'runs', 'r-1')).toBe(path.resolve('/data/runs/r-1'))
    expect(resolveInside('/data', './a/../b')).toBe(path.resolve('/data/b'))
  })
  it.each([['..'], ['../etc/passwd'], ['a/../../x'], ['/etc/passwd']])('refuses %j', (p) => {
    expect(() => resolveInside('/data', p)).toThrow(PathEscapeError)
  })
})

describe('defaultDataDir', () => {
  it('follows the OS conventions and the override', () => {
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe(path.join('/cfg', 'Training Studio'))
    expect(defaultDataDir({ STUDIO_DATA_DIR: '/tmp/x' }, 'linux')).toBe(path.resolve('/tmp/x'))
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32')).toContain('Training Studio')
  })
})
