/**
 * The Electron shell: the only place that imports `electron`. Opens the core with utility-process
 * trainers, bridges the contract over IPC (every payload validated in main), pushes events to the
 * window, and locks the window down: contextIsolation, sandbox, no nodeIntegration, strict CSP,
 * navigation and new windows denied, permissions refused.
 */
import { app, BrowserWindow, ipcMain, Menu, session, shell, type WebContents } from 'electron'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { pathToFileURL } from 'node:url'
import { REQUEST_CHANNELS } from '../../preload/contract/channels'
import { attachLogFile, createLogger } from '../common/logger'
import { dataLayout, defaultDataDir } from '../common/paths'
import { createDispatcher } from '../ipc/dispatch'
import { CONTENT_SECURITY_POLICY } from '../server/server'
import { StudioCore, readVersion } from '../services/studio'
import { builtPaths } from '../cli/context'
import { utilityLauncher } from './utilityLauncher'

const log = createLogger('app')
const paths = builtPaths(import.meta.url)

function dataDirFromArgs(): string {
  try {
    const { values } = parseArgs({ args: process.argv.slice(app.isPackaged ? 1 : 2), options: { 'data-dir': { type: 'string' } }, strict: false })
    if (typeof values['data-dir'] === 'string') return path.resolve(values['data-dir'])
  } catch { /* fall through */ }
  return defaultDataDir()
}

/** better-sqlite3 built for this Electron's ABI by main/app/install/rebuildNative.mjs, if it ran. */
function electronSqliteBinding(): string | undefined {
  const p = path.join(paths.root, 'node_modules', '.studio-native', `electron-${process.versions.electron}`, 'better_sqlite3.node')
  return existsSync(p) ? p : undefined
}

let core: StudioCore | null = null
const rendererIndex = path.join(paths.rendererDir, 'index.html')
const rendererUrl = pathToFileURL(rendererIndex).href

function isOurFrame(wc: WebContents, frameUrl: string | undefined): boolean {
  return !wc.isDestroyed() && typeof frameUrl === 'string' && frameUrl.startsWith(pathToFileURL(paths.rendererDir).href)
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440, height: 900, minWidth: 960, minHeight: 640, show: false,
    title: 'Training Studio',
    backgroundColor: '#111418',
    webPreferences: {
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false
    }
  })
  win.once('ready-to-show', () => win.show())
  void win.loadFile(rendererIndex)
  return win
}

function lockDown(): void {
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } })
  })
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false))
  app.on('web-contents-created', (_e, wc) => {
    wc.setWindowOpenHandler(({ url }) => {
      if (/^https:\/\//.test(url)) void shell.openExternal(url)
      return { action: 'deny' }
    })
    wc.on('will-navigate', (e, url) => { if (!url.startsWith(rendererUrl.split('#')[0]!)) e.preventDefault() })
    wc.on('will-attach-webview', (e) => e.preventDefault())
  })
}

function bridgeIpc(c: StudioCore): void {
  const dispatch = createDispatcher(c.handlers)
  for (const channel of REQUEST_CHANNELS) {
    ipcMain.handle(channel, (e, args: unknown) => {
      if (!isOurFrame(e.sender, e.senderFrame?.url)) {
        return { ok: false, error: { code: 'unauthorized', message: 'Request from an unknown frame.' } }
      }
      return dispatch(channel, args)
    })
  }
  c.hub.subscribe((event, payload) => {
    for (const w of BrowserWindow.getAllWindows()) if (!w.webContents.isDestroyed()) w.webContents.send(event, payload)
  })
}

app.setName('Training Studio')
if (!app.requestSingleInstanceLock()) app.quit()

app.on('second-instance', () => {
  const w = BrowserWindow.getAllWindows()[0]
  if (w) { if (w.isMinimized()) w.restore(); w.focus() }
})

app.whenReady().then(() => {
  const dataDir = dataDirFromArgs()
  attachLogFile(dataLayout(dataDir).logs)
  lockDown()
  const binding = electronSqliteBinding()
  if (!binding) log.warn('better-sqlite3 for Electron not found; run "node main/app/install/rebuildNative.mjs" if the database fails to open')
  core = StudioCore.open({
    dataDir, trainerEntry: paths.trainerEntry, launcher: utilityLauncher, mode: 'electron',
    version: readVersion(paths.root), samplesDir: paths.samplesDir, ...(binding ? { nativeBinding: binding } : {})
  })
  bridgeIpc(core)
  // HPO studies interrupted by a crash or quit continue where they were (issue 5).
  core.hpo.continueInterrupted()
  Menu.setApplicationMenu(Menu.buildFromTemplate([
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' }, { role: 'editMenu' }, { role: 'viewMenu' }, { role: 'windowMenu' }
  ]))
  createWindow()
  app.on('activate', () => { if (BrowserWindow.getAllWindows().length === 0) createWindow() })
}).catch((e: unknown) => {
  log.error('start-up failed', e)
  app.exit(1)
})

app.on('window-all-closed', () => { if (process.platform !== 'darwin') app.quit() })

let quitting = false
app.on('before-quit', (e) => {
  if (quitting || !core) return
  e.preventDefault()
  quitting = true
  void core.close().finally(() => app.quit())
})
