/**
 * Where the renderer gets its one API object. This is the ONLY file that reads `window.studio`.
 *
 * In Electron the preload exposes `window.studio` (contextBridge). In browser mode (`studio serve`)
 * we build a WebSocket bridge to `ws://<host>/api?token=…`; the token arrives once in the page URL
 * (`?token=…`), is kept in sessionStorage and removed from the address bar so it does not leak into
 * screenshots, bookmarks or history.
 */
import type { StudioBridge } from '@contract/channels'
import { WsBridge, type ConnectionState } from './wsBridge'

declare global {
  interface Window {
    /** Set by the Electron preload; absent in browser mode. */
    studio?: StudioBridge
  }
}

const TOKEN_KEY = 'studio.token'

let bridge: StudioBridge | null = null
let wsBridge: WsBridge | null = null
let bridgeErrorHandler: ((message: string) => void) | null = null

/**
 * Reads the token from `?token=` (also accepted inside the hash, `#/path?token=`), stores it in
 * sessionStorage and rewrites the URL without it. Called once, before the router starts.
 */
export function takeTokenFromUrl(): string | null {
  const url = new URL(window.location.href)
  let token = url.searchParams.get('token')
  let changed = false
  if (token !== null) {
    url.searchParams.delete('token')
    changed = true
  }
  const hashQ = url.hash.indexOf('?')
  if (hashQ >= 0) {
    const hp = new URLSearchParams(url.hash.slice(hashQ + 1))
    const ht = hp.get('token')
    if (ht !== null) {
      token = token ?? ht
      hp.delete('token')
      const rest = hp.toString()
      url.hash = url.hash.slice(0, hashQ) + (rest ? `?${rest}` : '')
      changed = true
    }
  }
  if (token) {
    try { sessionStorage.setItem(TOKEN_KEY, token) } catch { /* storage disabled: keep it in memory only */ }
  }
  if (changed) window.history.replaceState(window.history.state, '', url.toString())
  if (token) return token
  try { return sessionStorage.getItem(TOKEN_KEY) } catch { return null }
}

/** Routes bridge-level problems (malformed frames, failing event handlers) to the UI's toasts. */
export function setBridgeErrorHandler(handler: (message: string) => void): void {
  bridgeErrorHandler = handler
}

/** The API object: `window.studio` in Electron, the WebSocket client otherwise. Created once. */
export function getBridge(): StudioBridge {
  if (bridge) return bridge
  if (window.studio) {
    bridge = window.studio
    return bridge
  }
  const token = takeTokenFromUrl() ?? ''
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws'
  wsBridge = new WsBridge(`${scheme}://${window.location.host}/api?token=${encodeURIComponent(token)}`, {
    onError: (message) => bridgeErrorHandler?.(message)
  })
  bridge = wsBridge
  return bridge
}

/** Connection state of the WebSocket bridge, or null in Electron (always connected). */
export function getConnection(): {
  state: ConnectionState
  onState(l: (s: ConnectionState) => void): () => void
  retryNow(): void
} | null {
  getBridge()
  return wsBridge
}

/** True when no token was given in browser mode: the server will refuse us, so say why. */
export function isMissingToken(): boolean {
  if (window.studio) return false
  try { return !sessionStorage.getItem(TOKEN_KEY) } catch { return true }
}

/**
 * Electron only: the absolute path of a dropped or picked File, through the preload's
 * webUtils.getPathForFile. null in browser mode (a page cannot see paths: upload instead) or
 * when the File has no path (e.g. one made by a script).
 */
export function pathForFile(file: File): string | null {
  const studio = window.studio
  if (!studio?.pathForFile) return null
  const p = studio.pathForFile(file)
  return p ? p : null
}

/** Whether imports go by path (Electron) or by upload (browser mode). */
export function importsByPath(): boolean {
  return Boolean(window.studio?.pathForFile)
}

/** Browser mode: where POST /upload goes and the token it needs; null in Electron. */
export function uploadTarget(): { base: string; token: string } | null {
  if (window.studio) return null
  let token = ''
  try { token = sessionStorage.getItem(TOKEN_KEY) ?? '' } catch { /* storage disabled */ }
  return { base: window.location.origin, token }
}
