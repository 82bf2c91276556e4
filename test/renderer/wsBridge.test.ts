/**
 * The browser-mode bridge against a real `ws` WebSocketServer on 127.0.0.1: request/response
 * matching, events, failing pending requests on disconnect, and reconnecting with backoff.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer, type WebSocket as ServerSocket } from 'ws'
import type { AddressInfo } from 'node:net'
import { WsBridge, backoffDelay, type ConnectionState, type WebSocketLike } from '../../renderer/src/api/wsBridge'

type Frame = { id: number; channel: string; args: unknown }

const cleanups: Array<() => void | Promise<void>> = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

function startServer(port = 0): Promise<{ wss: WebSocketServer; port: number; frames: Frame[]; sockets: ServerSocket[]; close: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port })
    const frames: Frame[] = []
    const sockets: ServerSocket[] = []
    wss.on('connection', (ws) => {
      sockets.push(ws)
      ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame))
    })
    wss.once('error', reject)
    wss.once('listening', () => {
      const close = () => new Promise<void>((done) => {
        for (const s of sockets) s.terminate()
        wss.close(() => done())
      })
      cleanups.push(close)
      resolve({ wss, port: (wss.address() as AddressInfo).port, frames, sockets, close })
    })
  })
}

function bridgeTo(port: number, opts: ConstructorParameters<typeof WsBridge>[1] = {}): WsBridge {
  const b = new WsBridge(`ws://127.0.0.1:${port}/api?token=t`, {
    createSocket: (u) => new WebSocket(u) as unknown as WebSocketLike,
    initialDelayMs: 30,
    maxDelayMs: 200,
    random: () => 0.5,
    ...opts
  })
  cleanups.push(() => b.close())
  return b
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('WsBridge', () => {
  it('matches responses to requests by id, even when answered out of order', async () => {
    const srv = await startServer()
    const b = bridgeTo(srv.port)
    const p1 = b.invoke('runs:get', { runId: 'a' })
    const p2 = b.invoke('runs:get', { runId: 'b' })
    const p3 = b.invoke('app:info', {})
    await until(() => srv.frames.length === 3)
    for (const f of [...srv.frames].reverse()) {
      srv.sockets[0]!.send(JSON.stringify({ id: f.id, result: { ok: true, value: { echo: f.args, channel: f.channel } } }))
    }
    expect(await p1).toEqual({ ok: true, value: { echo: { runId: 'a' }, channel: 'runs:get' } })
    expect(await p2).toEqual({ ok: true, value: { echo: { runId: 'b' }, channel: 'runs:get' } })
    expect(await p3).toEqual({ ok: true, value: { echo: {}, channel: 'app:info' } })
    expect(new Set(srv.frames.map((f) => f.id)).size).toBe(3)
  })

  it('passes error envelopes through unchanged', async () => {
    const srv = await startServer()
    const b = bridgeTo(srv.port)
    const p = b.invoke('runs:stop', { runId: 'x' })
    await until(() => srv.frames.length === 1)
    srv.sockets[0]!.send(JSON.stringify({ id: srv.frames[0]!.id, result: { ok: false, error: { code: 'not_found', message: 'no run x' } } }))
    expect(await p).toEqual({ ok: false, error: { code: 'not_found', message: 'no run x' } })
  })

  it('delivers events to listeners until they unsubscribe, and reports a throwing listener', async () => {
    const srv = await startServer()
    const errors: string[] = []
    const b = bridgeTo(srv.port, { onError: (m) => errors.push(m) })
    const got: unknown[] = []
    const off = b.on('runs:didChange', (p) => got.push(p))
    b.on('runs:didChange', () => { throw new Error('boom') })
    await until(() => b.state.kind === 'open')
    srv.sockets[0]!.send(JSON.stringify({ event: 'runs:didChange', payload: { id: 'r1' } }))
    srv.sockets[0]!.send(JSON.stringify({ event: 'runs:didMetrics', payload: { runId: 'r1' } }))
    await until(() => got.length === 1)
    off()
    srv.sockets[0]!.send(JSON.stringify({ event: 'runs:didChange', payload: { id: 'r2' } }))
    await until(() => errors.length === 2)
    expect(got).toEqual([{ id: 'r1' }])
    expect(errors[0]).toContain('boom')
  })

  it('fails in-flight requests with "unavailable" when the connection drops, then reconnects', async () => {
    const srv = await startServer()
    const states: ConnectionState['kind'][] = []
    const b = bridgeTo(srv.port)
    b.onState((s) => states.push(s.kind))
    const p = b.invoke('runs:list', {})
    await until(() => srv.frames.length === 1)
    srv.sockets[0]!.terminate()
    const env = await p
    expect(env.ok).toBe(false)
    if (!env.ok) {
      expect(env.error.code).toBe('unavailable')
      expect(env.error.message).toMatch(/lost.*runs:list/)
    }
    await until(() => srv.sockets.length === 2 && b.state.kind === 'open')
    expect(states).toContain('waiting')
    const p2 = b.invoke('runs:list', {})
    await until(() => srv.frames.length === 2)
    srv.sockets[1]!.send(JSON.stringify({ id: srv.frames[1]!.id, result: { ok: true, value: [] } }))
    expect(await p2).toEqual({ ok: true, value: [] })
  })

  it('holds requests made while the server is down and sends them once it is back', async () => {
    const srv = await startServer()
    const port = srv.port
    const b = bridgeTo(port)
    await until(() => b.state.kind === 'open')
    await srv.close()
    await until(() => b.state.kind === 'waiting')
    const p = b.invoke('datasets:list', {})
    await new Promise((r) => setTimeout(r, 150))
    const srv2 = await startServer(port)
    await until(() => srv2.frames.length === 1, 5000)
    srv2.sockets[0]!.send(JSON.stringify({ id: srv2.frames[0]!.id, result: { ok: true, value: ['xor'] } }))
    expect(await p).toEqual({ ok: true, value: ['xor'] })
  })

  it('fails a request with a clear message when no connection comes within connectWaitMs', async () => {
    const srv = await startServer()
    const port = srv.port
    await srv.close()
    const b = bridgeTo(port, { connectWaitMs: 200 })
    const env = await b.invoke('app:info', {})
    expect(env.ok).toBe(false)
    if (!env.ok) {
      expect(env.error.code).toBe('unavailable')
      expect(env.error.message).toContain('app:info')
    }
  })

  it('close() fails what is pending and stops reconnecting', async () => {
    const srv = await startServer()
    const b = bridgeTo(srv.port)
    const p = b.invoke('runs:list', {})
    await until(() => srv.frames.length === 1)
    b.close()
    expect((await p).ok).toBe(false)
    await new Promise((r) => setTimeout(r, 150))
    expect(srv.sockets.length).toBe(1)
    expect(b.state.kind).toBe('closed')
  })
})

describe('backoffDelay', () => {
  it('doubles from the initial delay up to the cap, with ±20 % jitter', () => {
    const mid = () => 0.5
    expect(backoffDelay(1, 500, 10_000, mid)).toBe(500)
    expect(backoffDelay(2, 500, 10_000, mid)).toBe(1000)
    expect(backoffDelay(5, 500, 10_000, mid)).toBe(8000)
    expect(backoffDelay(9, 500, 10_000, mid)).toBe(10_000)
    expect(backoffDelay(1, 500, 10_000, () => 0)).toBe(400)
    expect(backoffDelay(1, 500, 10_000, () => 1)).toBe(600)
    expect(backoffDelay(20, 500, 10_000, () => 1)).toBe(10_000)
  })
})
