/**
 * Browser mode: the headless server. Serves the built renderer over HTTP and the studio API over a
 * WebSocket at /api, bound to 127.0.0.1 only. Every WebSocket connection must present the
 * per-launch random token (constant-time compare) and come from our own origin; static files are
 * served read-only from the renderer folder with no path escapes.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream, statSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { createLogger } from '../common/logger'
import { PathEscapeError, resolveInside } from '../common/paths'
import { createDispatcher } from '../ipc/dispatch'
import { StudioError } from '../services/errors'
import type { StudioCore } from '../services/studio'

const log = createLogger('server')

/** The strict CSP sent with every page. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:", "connect-src 'self' ws://127.0.0.1:* ws://localhost:*", "font-src 'self'",
  "object-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"
].join('; ')

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json',
  '.woff2': 'font/woff2', '.wasm': 'application/wasm', '.map': 'application/json'
}

/** Largest request frame accepted from a browser (a run config is a few hundred bytes). */
const MAX_FRAME = 256 * 1024

export interface ServerOptions {
  core: StudioCore
  /** Built renderer folder (out/renderer). */
  staticDir: string
  /** 0 = any free port. */
  port?: number
  /** Default: 32 random bytes, hex. Tests may pass their own. */
  token?: string
}

export interface RunningServer {
  url: string
  port: number
  token: string
  close(): Promise<void>
}

function tokenMatches(given: string | null, token: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Starts the server on 127.0.0.1 and resolves once it listens. */
export function startServer(opts: ServerOptions): Promise<RunningServer> {
  const token = opts.token ?? randomBytes(32).toString('hex')
  const dispatch = createDispatcher(opts.core.handlers)
  const staticRoot = path.resolve(opts.staticDir)

  const server = http.createServer((req, res) => {
    if (req.method === 'POST' && (req.url ?? '').startsWith('/upload')) {
      void handleUpload(req, res)
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end()
      return
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    let rel = decodeURIComponent(url.pathname)
    if (rel === '/' || rel === '') rel = '/index.html'
    let file: string
    try {
      file = resolveInside(staticRoot, `.${rel}`)
    } catch (e) {
      res.writeHead(e instanceof PathEscapeError ? 403 : 400).end()
      return
    }
    let size: number
    try {
      const st = statSync(file)
      if (!st.isFile()) throw new Error('not a file')
      size = st.size
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`Not found: ${rel}`)
      return
    }
    res.writeHead(200, {
      'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'Content-Length': size,
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': rel === '/index.html' ? 'no-store' : 'public, max-age=3600'
    })
    if (req.method === 'HEAD') { res.end(); return }
    createReadStream(file).pipe(res)
  })

  /**
   * POST /upload?token=…[&uploadId=…]&path=<relative path>: one dropped file's bytes, for browser
   * mode where a page cannot give paths (see the contract). Token and origin as for the WebSocket.
   */
  async function handleUpload(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' })
      res.end(JSON.stringify(body))
      // Unread request bytes would keep the socket busy; drop them.
      req.resume()
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const origin = req.headers.origin
    if (url.pathname !== '/upload' || !tokenMatches(url.searchParams.get('token'), token) || (origin !== undefined && origin !== `http://${req.headers.host ?? ''}`)) {
      log.warn(`refused an upload from ${req.socket.remoteAddress}`)
      reply(401, { ok: false, error: { code: 'unauthorized', message: 'Upload refused: missing or wrong token, or another origin.' } })
      return
    }
    try {
      const result = await opts.core.datasetService.receiveUpload(url.searchParams.get('uploadId') ?? undefined, url.searchParams.get('path') ?? '', req)
      reply(200, { ok: true, value: result })
    } catch (e) {
      const code = e instanceof StudioError ? e.code : 'internal'
      const status = code === 'not_found' ? 404 : code === 'conflict' ? 409 : /limit/.test((e as Error).message) ? 413 : code === 'internal' ? 500 : 400
      reply(status, { ok: false, error: { code, message: e instanceof Error ? e.message : String(e) } })
    }
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME })
  const clients = new Set<WebSocket>()

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const origin = req.headers.origin
    const host = req.headers.host ?? ''
    const originOk = origin === undefined || origin === `http://${host}`
    if (url.pathname !== '/api' || !tokenMatches(url.searchParams.get('token'), token) || !originOk) {
      log.warn(`refused a WebSocket from ${req.socket.remoteAddress} (${url.pathname !== '/api' ? 'path' : originOk ? 'token' : 'origin'})`)
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n')
      socket.destroy()
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws))
  })

  wss.on('connection', (ws: WebSocket) => {
    clients.add(ws)
    ws.on('close', () => clients.delete(ws))
    ws.on('error', () => clients.delete(ws))
    ws.on('message', (data, isBinary) => {
      if (isBinary) { ws.close(1003, 'text frames only'); return }
      let msg: { id?: unknown; channel?: unknown; args?: unknown }
      try {
        msg = JSON.parse(data.toString()) as typeof msg
      } catch {
        ws.send(JSON.stringify({ id: null, result: { ok: false, error: { code: 'invalid_argument', message: 'Request is not valid JSON.' } } }))
        return
      }
      const id = typeof msg.id === 'number' ? msg.id : null
      void dispatch(msg.channel, msg.args).then((result) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, result }))
      })
    })
  })

  const unsubscribe = opts.core.hub.subscribe((event, payload) => {
    if (clients.size === 0) return
    const frame = JSON.stringify({ event, payload })
    for (const c of clients) if (c.readyState === c.OPEN) c.send(frame)
  })

  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port
      const url = `http://127.0.0.1:${port}/?token=${token}`
      resolve({
        url, port, token,
        close: () => new Promise<void>((done) => {
          unsubscribe()
          for (const c of clients) c.terminate()
          wss.close()
          server.close(() => done())
          server.closeAllConnections()
        })
      })
    })
  })
}
