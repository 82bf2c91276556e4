/** The preload bridge with a stand-in for electron's contextBridge/ipcRenderer: allow-list only. */
import { describe, expect, it, vi } from 'vitest'
import type { StudioBridge } from '../../preload/contract/channels'

const fake = vi.hoisted(() => {
  const listeners = new Map<string, Set<(...a: unknown[]) => void>>()
  const exposed: Record<string, unknown> = {}
  return {
    exposed, listeners,
    module: {
      contextBridge: { exposeInMainWorld: (k: string, v: unknown) => { exposed[k] = v } },
      ipcRenderer: {
        invoke: vi.fn(async (channel: string, args: unknown) => ({ ok: true, value: { channel, args } })),
        on: (c: string, l: (...a: unknown[]) => void) => { if (!listeners.has(c)) listeners.set(c, new Set()); listeners.get(c)!.add(l) },
        removeListener: (c: string, l: (...a: unknown[]) => void) => { listeners.get(c)?.delete(l) }
      },
      webUtils: {
        getPathForFile: (f: { name: string }) => { if (f.name === 'boom') throw new Error('not a file'); return `/home/u/${f.name}` }
      }
    }
  }
})
vi.mock('electron', () => ({ ...fake.module, default: fake.module }))

describe('preload', async () => {
  await import('../../preload/index')
  const studio = fake.exposed.studio as StudioBridge

  it('exposes exactly one object, window.studio', () => {
    expect(Object.keys(fake.exposed)).toEqual(['studio'])
    expect(Object.keys(studio).sort()).toEqual(['invoke', 'on', 'pathForFile'])
  })

  it('pathForFile gives the real path of a dropped file, and an empty string when there is none', () => {
    expect(studio.pathForFile!({ name: 'iris.csv' } as File)).toBe('/home/u/iris.csv')
    expect(studio.pathForFile!({ name: 'boom' } as File)).toBe('')
  })

  it('forwards contract channels and refuses anything else without touching IPC', async () => {
    expect(await studio.invoke('runs:list', {})).toEqual({ ok: true, value: { channel: 'runs:list', args: {} } })
    const r = await studio.invoke('fs:read' as never, {} as never)
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_argument' } })
    expect(fake.module.ipcRenderer.invoke).toHaveBeenCalledTimes(1)
  })

  it('subscribes to contract events only, hides the IPC event object, and unsubscribes', () => {
    const got: unknown[] = []
    const off = studio.on('runs:didChange', (p) => got.push(p))
    for (const l of fake.listeners.get('runs:didChange')!) l({ sender: 'secret' }, { id: 'r1' })
    expect(got).toEqual([{ id: 'r1' }])
    off()
    expect(fake.listeners.get('runs:didChange')!.size).toBe(0)
    expect(() => studio.on('app:evil' as never, () => {})).toThrow(/Unknown event/)
  })
})

describe('built preload', () => {
  it('is CommonJS and requires nothing but electron (a sandboxed preload cannot load other modules)', async () => {
    const { readFileSync, existsSync } = await import('node:fs')
    const path = await import('node:path')
    const file = path.resolve(__dirname, '..', '..', 'out', 'preload', 'index.cjs')
    if (!existsSync(file)) throw new Error(`${file} missing: run "npm run build" first`)
    const src = readFileSync(file, 'utf8')
    const required = [...src.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1])
    expect(required.length).toBeGreaterThan(0)
    expect(new Set(required)).toEqual(new Set(['electron']))
    expect(src).not.toMatch(/^\s*import\s/m)
  })
})
