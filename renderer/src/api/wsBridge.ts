/**
 * The StudioBridge over a WebSocket, for browser mode (`studio serve`).
 *
 * Wire format (JSON text frames):
 *  - client → server: `{ id, channel, args }`
 *  - server → client: `{ id, result: Envelope }` (a response) or `{ event, payload }` (a push).
 *
 * Guarantees:
 *  - every `invoke` settles: with the server's envelope, or with an `unavailable` envelope when the
 *    connection drops before the answer came (never a hanging promise, never a rejection);
 *  - a request made while (re)connecting waits for the socket up to `connectWaitMs`, then fails;
 *  - the socket reconnects with exponential backoff (reset after a successful open) until `close()`.
 *
 * It does not touch `window` or `location`, and imports the contract by relative path, so it runs
 * and type-checks under Node in unit tests (with the `ws` package's WebSocket class injected).
 */
import type {
  ArgsOf, Envelope, EventChannel, Events, RequestChannel, ResultOf, StudioBridge
} from '../../../preload/contract/channels'

/** The part of the WebSocket API we use; satisfied by the browser's and by the `ws` package's. */
export interface WebSocketLike {
  readonly readyState: number
  onopen: ((ev: unknown) => void) | null
  onclose: ((ev: { code?: number; reason?: string }) => void) | null
  onerror: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  send(data: string): void
  close(code?: number, reason?: string): void
}

export type WebSocketFactory = (url: string) => WebSocketLike

/** Connection state, for the banner. */
export type ConnectionState =
  | { kind: 'connecting'; attempt: number }
  | { kind: 'open' }
  | { kind: 'waiting'; attempt: number; retryAt: number; lastError: string | null }
  | { kind: 'closed' }

export interface WsBridgeOptions {
  /** Creates a socket; defaults to the global `WebSocket`. */
  createSocket?: WebSocketFactory
  /** First reconnect delay (ms). */
  initialDelayMs?: number
  /** Largest reconnect delay (ms). */
  maxDelayMs?: number
  /** How long a request made while disconnected waits for a connection before failing (ms). */
  connectWaitMs?: number
  /** Reports listener exceptions and malformed frames (never silently dropped). */
  onError?: (message: string, cause?: unknown) => void
  /** Random source for jitter; injectable so tests are deterministic. */
  random?: () => number
}

const OPEN = 1

interface Pending {
  channel: string
  resolve: (env: Envelope<unknown>) => void
  timer?: ReturnType<typeof setTimeout>
}

/** Delay before reconnect attempt `attempt` (1-based): doubles each time, capped, ±20 % jitter. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1))
  const jitter = 1 + (random() * 0.4 - 0.2)
  return Math.max(0, Math.round(Math.min(maxMs, base * jitter)))
}

function unavailable(message: string): Envelope<never> {
  return { ok: false, error: { code: 'unavailable', message } }
}

export class WsBridge implements StudioBridge {
  private socket: WebSocketLike | null = null
  private nextId = 1
  /** Requests sent and awaiting their answer, by id. */
  private readonly inFlight = new Map<number, Pending>()
  /** Requests made while not connected: sent on open, failed after `connectWaitMs`. */
  private queued: Array<{ id: number; frame: string; pending: Pending }> = []
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>()
  private readonly stateListeners = new Set<(s: ConnectionState) => void>()
  private attempt = 0
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null
  private closedByUser = false
  private lastError: string | null = null
  private _state: ConnectionState = { kind: 'closed' }
  private readonly opts: Required<Omit<WsBridgeOptions, 'createSocket' | 'onError'>> & Pick<WsBridgeOptions, 'onError'>
  private readonly createSocket: WebSocketFactory

  constructor(private readonly url: string, options: WsBridgeOptions = {}) {
    this.createSocket = options.createSocket ?? ((u) => {
      // Through globalThis so this file also type-checks under the Node config (tests import it).
      const WS = (globalThis as unknown as { WebSocket: new (url: string) => WebSocketLike }).WebSocket
      return new WS(u)
    })
    this.opts = {
      initialDelayMs: options.initialDelayMs ?? 500,
      maxDelayMs: options.maxDelayMs ?? 10_000,
      connectWaitMs: options.connectWaitMs ?? 15_000,
      random: options.random ?? Math.random,
      onError: options.onError
    }
    this.connect()
  }

  get state(): ConnectionState { return this._state }

  /** Calls `listener` on every state change; returns an unsubscribe function. */
  onState(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener)
    return () => { this.stateListeners.delete(listener) }
  }

  invoke<C extends RequestChannel>(channel: C, args: ArgsOf<C>): Promise<Envelope<ResultOf<C>>> {
    if (this.closedByUser) return Promise.resolve(unavailable('The studio connection was closed.'))
    const id = this.nextId++
    const frame = JSON.stringify({ id, channel, args })
    return new Promise<Envelope<ResultOf<C>>>((resolve) => {
      const pending: Pending = { channel, resolve: resolve as (env: Envelope<unknown>) => void }
      if (this.socket && this.socket.readyState === OPEN) {
        this.send(id, frame, pending)
        return
      }
      pending.timer = setTimeout(() => {
        this.queued = this.queued.filter((q) => q.id !== id)
        pending.resolve(unavailable(
          `Could not reach the studio server to call ${channel}: not connected after ${Math.round(this.opts.connectWaitMs / 1000)} s` +
          (this.lastError ? ` (${this.lastError})` : '') + '.'))
      }, this.opts.connectWaitMs)
      this.queued.push({ id, frame, pending })
      if (this._state.kind === 'waiting') this.retryNow()
    })
  }

  on<E extends EventChannel>(event: E, listener: (payload: Events[E]) => void): () => void {
    let set = this.listeners.get(event)
    if (!set) { set = new Set(); this.listeners.set(event, set) }
    const l = listener as (payload: unknown) => void
    set.add(l)
    return () => { set.delete(l) }
  }

  /** Skips the backoff wait and reconnects now (the banner's "Retry now"). */
  retryNow(): void {
    if (this.closedByUser || this._state.kind !== 'waiting') return
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    this.reconnectTimer = null
    this.connect()
  }

  /** Closes for good: fails everything pending and stops reconnecting. */
  close(): void {
    this.closedByUser = true
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    this.reconnectTimer = null
    const s = this.socket
    this.socket = null
    if (s) { s.onclose = null; s.onmessage = null; s.onerror = null; s.onopen = null; s.close(1000, 'client closed') }
    this.failAll('The studio connection was closed.')
    this.setState({ kind: 'closed' })
  }

  private send(id: number, frame: string, pending: Pending): void {
    this.inFlight.set(id, pending)
    try {
      this.socket!.send(frame)
    } catch (err) {
      this.inFlight.delete(id)
      pending.resolve(unavailable(`Could not send ${pending.channel} to the studio server: ${String(err)}`))
    }
  }

  private connect(): void {
    this.attempt++
    this.setState({ kind: 'connecting', attempt: this.attempt })
    let socket: WebSocketLike
    try {
      socket = this.createSocket(this.url)
    } catch (err) {
      this.lastError = String(err)
      this.scheduleReconnect()
      return
    }
    this.socket = socket
    socket.onopen = () => {
      if (this.socket !== socket) return
      this.attempt = 0
      this.lastError = null
      this.setState({ kind: 'open' })
      const queued = this.queued
      this.queued = []
      for (const q of queued) {
        if (q.pending.timer) clearTimeout(q.pending.timer)
        this.send(q.id, q.frame, q.pending)
      }
    }
    socket.onmessage = (ev) => { if (this.socket === socket) this.handleFrame(ev.data) }
    // The browser tells scripts nothing about why a socket failed; onclose carries what there is.
    socket.onerror = () => {}
    socket.onclose = (ev) => {
      if (this.socket !== socket) return
      this.socket = null
      if (ev && ev.code && ev.code !== 1000 && ev.code !== 1006) this.lastError = `closed with code ${ev.code}${ev.reason ? `: ${ev.reason}` : ''}`
      this.failInFlight('The connection to the studio server was lost before it answered')
      if (!this.closedByUser) this.scheduleReconnect()
    }
  }

  private scheduleReconnect(): void {
    const delay = backoffDelay(Math.max(1, this.attempt), this.opts.initialDelayMs, this.opts.maxDelayMs, this.opts.random)
    this.setState({ kind: 'waiting', attempt: this.attempt, retryAt: Date.now() + delay, lastError: this.lastError })
    this.reconnectTimer = setTimeout(() => { this.reconnectTimer = null; this.connect() }, delay)
  }

  private handleFrame(data: unknown): void {
    let msg: unknown
    try {
      msg = JSON.parse(typeof data === 'string' ? data : String(data))
    } catch (err) {
      this.opts.onError?.('The studio server sent a frame that is not JSON.', err)
      return
    }
    if (!msg || typeof msg !== 'object') return
    const m = msg as { id?: unknown; result?: unknown; event?: unknown; payload?: unknown }
    if (typeof m.id === 'number') {
      const pending = this.inFlight.get(m.id)
      if (!pending) return
      this.inFlight.delete(m.id)
      const env = m.result as Envelope<unknown> | undefined
      if (!env || typeof env !== 'object' || typeof (env as { ok?: unknown }).ok !== 'boolean') {
        pending.resolve({ ok: false, error: { code: 'internal', message: `The studio server answered ${pending.channel} with a malformed result.` } })
      } else {
        pending.resolve(env)
      }
      return
    }
    if (typeof m.event === 'string') {
      const set = this.listeners.get(m.event)
      if (!set) return
      for (const l of [...set]) {
        try {
          l(m.payload)
        } catch (err) {
          this.opts.onError?.(`A handler for ${m.event} failed: ${err instanceof Error ? err.message : String(err)}`, err)
        }
      }
    }
  }

  private failInFlight(prefix: string): void {
    const all = [...this.inFlight.values()]
    this.inFlight.clear()
    for (const p of all) p.resolve(unavailable(`${prefix} (${p.channel}).`))
  }

  private failAll(message: string): void {
    this.failInFlight(message.replace(/\.$/, ''))
    const q = this.queued
    this.queued = []
    for (const { pending } of q) {
      if (pending.timer) clearTimeout(pending.timer)
      pending.resolve(unavailable(message))
    }
  }

  private setState(s: ConnectionState): void {
    this._state = s
    for (const l of [...this.stateListeners]) l(s)
  }
}
