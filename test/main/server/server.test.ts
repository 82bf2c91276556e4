import { mkdirSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startServer, type RunningServer } from '../../../main/server/server'
import type { StudioCore } from '../../../main/services/studio'
import { openTestCore } from '../../helpers/core'
import { tempDir } from '../../helpers/tmp'

let t: ReturnType<typeof tempDir>
let core: StudioCore
let server: RunningServer

beforeAll(async () => {
  t = tempDir('studio-srv-')
  const web = path.join(t.dir, 'web')
  mkdirSync(web)
  writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>studio</title>')
  writeFileSync(path.join(t.dir, 'secret.txt'), 'do not serve')
  core = openTestCore(path.join(t.dir, 'data'))
  server = await startServer({ core, staticDir: web })
})
afterAll(async () => {
  await server?.close()
  await core?.close()
  t.cleanup()
})

function get(p: string): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    // A raw request so that "../" is sent as is, not normalized by a URL parser.
    const req = http.request({ host: '127.0.0.1', port: server.port, path: p, method: 'GET' }, (res) => {
      let body = ''
      res.on('data', (d) => { body += d })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
    })
    req.on('error', reject)
    req.end()
  })
}

function connect(query: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api${query}`, { headers })
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    ws.once('error', reject)
  })
}

function call(ws: WebSocket, id: number, channel: string, args: unknown): Promise<{ id: number; result: { ok: boolean; value?: unknown; error?: { code: string; message: string } } }> {
  return new Promise((resolve) => {
    const onMsg = (d: WebSocket.RawData) => {
      const m = JSON.parse(d.toString()) as { id?: number }
      if (m.id === id) { ws.off('message', onMsg); resolve(m as never) }
    }
    ws.on('message', onMsg)
    ws.send(JSON.stringify({ id, channel, args }))
  })
}

describe('headless server', () => {
  it('listens on 127.0.0.1 only and prints a URL with a 64-hex-digit token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/)
  })

  it('serves the renderer with a strict CSP and refuses path escapes', async () => {
    const index = await get('/')
    expect(index.status).toBe(200)
    expect(index.headers['content-security-policy']).toMatch(/default-src 'self'; script-src 'self'/)
    expect((await get('/../secret.txt')).status).toBeGreaterThanOrEqual(400)
    const dotted = await get('/%2e%2e/secret.txt')
    expect(dotted.status).toBe(404)
    expect(dotted.body).not.toContain('do not serve')
    const slashed = await get('/..%2fsecret.txt')
    expect(slashed.status).toBe(403)
    expect(slashed.body).not.toContain('do not serve')
    expect((await get('/nope.js')).status).toBe(404)
  })

  it('refuses WebSockets without the token, with a wrong one, or from another origin', async () => {
    await expect(connect('')).rejects.toThrow('HTTP 401')
    await expect(connect('?token=' + '0'.repeat(64))).rejects.toThrow('HTTP 401')
    await expect(connect(`?token=${server.token}`, { Origin: 'http://evil.example' })).rejects.toThrow('HTTP 401')
  })

  it('answers requests in envelopes and validates them', async () => {
    const ws = await connect(`?token=${server.token}`, { Origin: `http://127.0.0.1:${server.port}` })
    const info = await call(ws, 1, 'app:info', {})
    expect(info.result.ok).toBe(true)
    expect((info.result.value as { mode: string }).mode).toBe('browser')
    const ds = await call(ws, 2, 'datasets:list', {})
    expect((ds.result.value as { id: string }[]).map((d) => d.id)).toContain('spirals')
    const bad = await call(ws, 3, 'runs:start', { config: { datasetId: 'spirals' } })
    expect(bad.result).toMatchObject({ ok: false, error: { code: 'invalid_argument' } })
    expect(bad.result.error!.message).toMatch(/config\.model/)
    const unknown = await call(ws, 4, 'shell:exec', { cmd: 'rm -rf /' })
    expect(unknown.result).toMatchObject({ ok: false, error: { code: 'invalid_argument' } })
    const missing = await call(ws, 5, 'runs:get', { runId: 'r-nothere' })
    expect(missing.result).toMatchObject({ ok: false, error: { code: 'not_found' } })
    ws.close()
  })
})
