/**
 * The preload bridge: exposes exactly one object, `window.studio`, implementing StudioBridge over
 * IPC. Only the contract's channels pass; raw ipcRenderer is never exposed. Runs sandboxed, so it
 * imports nothing but electron and the contract's constants (bundled in).
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import { EVENT_CHANNELS, REQUEST_CHANNELS, type StudioBridge } from './contract/channels'

const requests: ReadonlySet<string> = new Set(REQUEST_CHANNELS)
const events: ReadonlySet<string> = new Set(EVENT_CHANNELS)

const bridge: StudioBridge = {
  invoke(channel, args) {
    if (!requests.has(channel)) {
      return Promise.resolve({ ok: false, error: { code: 'invalid_argument', message: `Unknown channel ${String(channel)}.` } })
    }
    return ipcRenderer.invoke(channel, args)
  },
  on(event, listener) {
    if (!events.has(event)) throw new Error(`Unknown event ${String(event)}`)
    const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload as never)
    ipcRenderer.on(event, wrapped)
    return () => { ipcRenderer.removeListener(event, wrapped) }
  },
  // Drag-and-drop and <input type=file> give the page File objects without paths (contextIsolation
  // hides File.path); the import needs the real path so main reads the file in place, not a copy.
  pathForFile(file) {
    try { return webUtils.getPathForFile(file) } catch { return '' }
  }
}

contextBridge.exposeInMainWorld('studio', bridge)
