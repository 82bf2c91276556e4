/**
 * The Electron shell's code paths, exercised under plain Node with a stand-in for the `electron`
 * module (the Electron binary cannot be installed on CI machines without internet). What is
 * checked is our code: window hardening, CSP, IPC allow-list and sender checks, navigation denial,
 * and that the shell drives the real core (real SQLite file in a temp data folder).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { REQUEST_CHANNELS } from '../../../preload/contract/channels'
import { tempDir } from '../../helpers/tmp'

type Handler = (...a: unknown[]) => unknown
const fake = vi.hoisted(() => {
  const appHandlers: Record<string, ((...a: unknown[]) => unknown)[]> = {}
  const state = {
    windows: [] as { options: Record<string, unknown>; loaded: string | null; wc: { handlers: Record<string, Handler>; sent: unknown[] } }[],
    ipc: {} as Record<string, Handler>,
    headersHook: null as null | Handler,
    permissionHook: null as null | Handler,
    appHandlers,
    ready: null as null | (() => void)
  }
  class BrowserWindow {
    webContents: { isDestroyed: () => boolean; send: (...a: unknown[]) => void }
    constructor(options: Record<string, unknown>) {
      const rec = { options, loaded: null as string | null, wc: { handlers: {}, sent: [] as unknown[] } }
      state.windows.push(rec)
      this.webContents = { isDestroyed: () => false, send: (...a: unknown[]) => { rec.wc.sent.push(a) } }
      ;(this as unknown as { rec: typeof rec }).rec = rec
    }
    static getAllWindows() { return [] }
    once() {}
    show() {}
    loadFile(f: string) { (this as unknown as { rec: { loaded: string } }).rec.loaded = f; return Promise.resolve() }
  }
  const app = {
    isPackaged: false,
    setName() {},
    requestSingleInstanceLock: () => true,
    quit: vi.fn(),
    exit: vi.fn(),
    on(ev: string, h: (...a: unknown[]) => unknown) { (appHandlers[ev] ??= []).push(h); return app },
    whenReady: () => new Promise<void>((r) => { state.ready = r })
  }
  return { state, module: {
    app, BrowserWindow,
    ipcMain: { handle: (c: string, h: Handler) => { state.ipc[c] = h } },
    Menu: { setApplicationMenu() {}, buildFromTemplate: (t: unknown) => t },
    shell: { openExternal: vi.fn() },
    session: { defaultSession: {
      webRequest: { onHeadersReceived: (h: Handler) => { state.headersHook = h } },
      setPermissionRequestHandler: (h: Handler) => { state.permissionHook = h }
    } },
    utilityProcess: { fork: vi.fn() }
  } }
})
vi.mock('electron', () => ({ ...fake.module, default: fake.module }))

let t: ReturnType<typeof tempDir>
const prevDataDir = process.env.STUDIO_DATA_DIR

beforeAll(async () => {
  t = tempDir('studio-electron-')
  process.env.STUDIO_DATA_DIR = t.dir
  await import('../../../main/app/index')
  fake.state.ready!()
  await vi.waitFor(() => expect(fake.state.windows).toHaveLength(1), { timeout: 20_000 })
})
afterAll(async () => {
  for (const h of fake.state.appHandlers['before-quit'] ?? []) h({ preventDefault() {} })
  await new Promise((r) => setTimeout(r, 200))
  if (prevDataDir === undefined) delete process.env.STUDIO_DATA_DIR
  else process.env.STUDIO_DATA_DIR = prevDataDir
  t.cleanup()
})

describe('Electron shell', () => {
  it('opens a hardened window on the built renderer with the sandboxed CommonJS preload', () => {
    const w = fake.state.windows[0]!
    const prefs = w.options.webPreferences as Record<string, unknown>
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true })
    expect(String(prefs.preload)).toMatch(/preload[\\/]index\.cjs$/)
    expect(w.loaded).toMatch(/renderer[\\/]index\.html$/)
  })

  it('sets the strict CSP on every response and refuses permissions', () => {
    let headers: Record<string, string[]> = {}
    fake.state.headersHook!({ responseHeaders: {} }, (r: { responseHeaders: Record<string, string[]> }) => { headers = r.responseHeaders })
    expect(headers['Content-Security-Policy']![0]).toMatch(/default-src 'self'; script-src 'self'/)
    let granted: boolean | undefined
    fake.state.permissionHook!({}, 'media', (ok: boolean) => { granted = ok })
    expect(granted).toBe(false)
  })

  it('handles exactly the contract channels and refuses frames that are not ours', async () => {
    expect(Object.keys(fake.state.ipc).sort()).toEqual([...REQUEST_CHANNELS].sort())
    const sender = { isDestroyed: () => false }
    const foreign = await fake.state.ipc['app:info']!({ sender, senderFrame: { url: 'https://evil.example/' } }, {})
    expect(foreign).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
    const w = fake.state.windows[0]!
    const ours = `file://${w.loaded}`
    const info = await fake.state.ipc['app:info']!({ sender, senderFrame: { url: ours } }, {}) as { ok: boolean; value: { mode: string; dataDir: string } }
    expect(info.ok).toBe(true)
    expect(info.value.mode).toBe('electron')
    expect(info.value.dataDir).toBe(t.dir)
    const bad = await fake.state.ipc['runs:start']!({ sender, senderFrame: { url: ours } }, { config: { datasetId: 'xor' } })
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_argument' } })
    const ds = await fake.state.ipc['datasets:list']!({ sender, senderFrame: { url: ours } }, {}) as { value: { id: string }[] }
    expect(ds.value.map((d) => d.id)).toContain('digits')
  })

  it('denies new windows and navigation away from the app', () => {
    const wcHandlers: Record<string, Handler> = {}
    let openHandler: Handler | null = null
    const wc = { setWindowOpenHandler: (h: Handler) => { openHandler = h }, on: (ev: string, h: Handler) => { wcHandlers[ev] = h } }
    for (const h of fake.state.appHandlers['web-contents-created'] ?? []) h({}, wc)
    expect((openHandler as unknown as Handler)({ url: 'https://example.com' })).toEqual({ action: 'deny' })
    const prevent = vi.fn()
    wcHandlers['will-navigate']!({ preventDefault: prevent }, 'https://evil.example/')
    expect(prevent).toHaveBeenCalled()
    const attach = vi.fn()
    wcHandlers['will-attach-webview']!({ preventDefault: attach })
    expect(attach).toHaveBeenCalled()
  })
})
