/**
 * The trainer host: starts one trainer process per run, speaks the trainer protocol with it, and
 * names every way it can end. Plain Node: the process itself comes from a TrainerLauncher, which
 * is `child_process.fork` here and Electron's `utilityProcess.fork` in the desktop app
 * (main/app/utilityLauncher.ts). Shutdown is bounded: stop, then kill after a grace period.
 */
import { fork } from 'node:child_process'
import { THREADS_ENV, threadsForConcurrency } from './engine/threads'
import {
  PROTOCOL_VERSION, isTrainerMessage, type BackendMessage, type CheckpointMessage, type DoneMessage,
  type DistributionsMessage, type ErrorMessage, type HostMessage, type MetricsMessage, type NoticeMessage,
  type PausedMessage, type ResumedMessage, type StartMessage
} from './protocol'
import { createLogger } from '../common/logger'

const log = createLogger('trainer-host')

/** Every way a trainer process can end (after VS Code's utility-process wrapper). */
export type ExitKind = 'clean-exit' | 'abnormal-exit' | 'killed' | 'crashed' | 'oom' | 'launch-failed'

export interface ExitInfo {
  kind: ExitKind
  code: number | null
  signal: string | null
  /** Last lines the process wrote to stderr (at most ~2 KB), for the run's error text. */
  stderrTail: string
}

/** A running trainer process, whatever started it. */
export interface TrainerProcess {
  readonly pid: number | undefined
  send(message: HostMessage): void
  onMessage(listener: (message: unknown) => void): void
  /** Called exactly once. */
  onExit(listener: (info: ExitInfo) => void): void
  kill(): void
}

/** Starts trainer processes: Node's fork headless, Electron's utilityProcess in the app. */
export interface TrainerLauncher {
  readonly kind: 'child-process' | 'utility-process'
  launch(entry: string, options: { env?: Record<string, string>; name: string }): TrainerProcess
}

/** Keeps the last `max` characters written to a stream. */
export class TailBuffer {
  private text = ''
  constructor(private readonly max = 2048) {}
  push(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.max)
  }
  toString(): string { return this.text.trim() }
}

/** Maps an exit code / signal and what the process printed to an ExitKind. */
export function classifyExit(code: number | null, signal: string | null, stderrTail: string): ExitKind {
  if (/heap out of memory|Allocation failed|std::bad_alloc|Out of memory|OOM/i.test(stderrTail)) return 'oom'
  if (signal === 'SIGKILL' || signal === 'SIGTERM' || signal === 'SIGINT') return 'killed'
  if (signal) return 'crashed'
  if (code === 0) return 'clean-exit'
  if (code === 134 || code === 139 || code === 132 || code === 135) return 'crashed'
  return 'abnormal-exit'
}

/** A sentence for the run's error column, e.g. "trainer process was killed (SIGKILL)". */
export function describeExit(info: ExitInfo): string {
  const how = info.signal ? `signal ${info.signal}` : `exit code ${info.code ?? '?'}`
  const lastLine = info.stderrTail.split('\n').filter((l) => l.trim()).pop()
  const said = lastLine ? `; it last said: ${lastLine.slice(0, 300)}` : ''
  switch (info.kind) {
    case 'oom': return `The trainer ran out of memory (${how}). Try a smaller batch size or model${said}`
    case 'killed': return `The trainer process was killed (${how}) — by a user or by the system, e.g. when memory ran out${said}`
    case 'crashed': return `The trainer process crashed (${how})${said}`
    case 'launch-failed': return `The trainer process could not be started${said}`
    case 'abnormal-exit': return `The trainer process exited unexpectedly (${how})${said}`
    case 'clean-exit': return `The trainer process exited before the run finished${said}`
  }
}

/** child_process.fork: headless server, CLI and tests. */
export const nodeLauncher: TrainerLauncher = {
  kind: 'child-process',
  launch(entry, options) {
    const tail = new TailBuffer()
    const exitListeners: ((i: ExitInfo) => void)[] = []
    let exited = false
    const child = fork(entry, [], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, ...options.env, STUDIO_TRAINER: '1' },
      serialization: 'advanced'
    })
    const emitExit = (info: ExitInfo) => {
      if (exited) return
      exited = true
      for (const l of exitListeners) l(info)
    }
    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (d: string) => {
      tail.push(d)
      for (const line of d.split('\n')) if (line.trim()) log.debug(`[${options.name} pid ${child.pid}] ${line}`)
    })
    child.on('error', (e) => {
      if (child.pid === undefined) {
        tail.push(e.message)
        emitExit({ kind: 'launch-failed', code: null, signal: null, stderrTail: tail.toString() })
      } else {
        log.warn(`trainer ${options.name}: ${e.message}`)
      }
    })
    // 'close' (not 'exit') so that stderr has been read to the end before we classify.
    child.on('close', (code, signal) => {
      emitExit({ kind: classifyExit(code, signal, tail.toString()), code, signal, stderrTail: tail.toString() })
    })
    return {
      get pid() { return child.pid },
      send(m) {
        if (child.connected) child.send(m)
      },
      onMessage(l) { child.on('message', l) },
      onExit(l) { exitListeners.push(l) },
      kill() { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') }
    }
  }
}

/** What a session reports to its owner (the run service). */
export interface TrainerSessionEvents {
  onReady?(pid: number): void
  onBackend(m: BackendMessage): void
  onMetrics(m: MetricsMessage): void
  onCheckpoint(m: CheckpointMessage): void
  onDone(m: DoneMessage): void
  onError(m: ErrorMessage): void
  /** Issue 4: the loop is parked between batches / runs again (answers to pause() / resume()). */
  onPaused?(m: PausedMessage): void
  onResumed?(m: ResumedMessage): void
  /** Issue 4: something to tell the person (engine choice, optimizer state not restored, early stop). */
  onNotice?(m: NoticeMessage): void
  /** Issue 4: an epoch's weight distributions file was written. */
  onDistributions?(m: DistributionsMessage): void
  /** Always called last, once: `done` tells whether a `done` message came first. */
  onExit(info: ExitInfo, done: boolean): void
}

/**
 * One run's trainer process, from launch to exit. Messages that are not of the protocol's version
 * are logged and dropped. `stop()` asks politely and kills after `graceMs`.
 */
export class TrainerSession {
  private proc: TrainerProcess
  private done = false
  private ended = false
  private killTimer: NodeJS.Timeout | null = null

  /** Trainer processes alive now: each gets its share of the cores (see engine/threads.ts). */
  private static readonly live = new Set<TrainerSession>()

  /** Trainer processes alive in this process now. */
  static get liveCount(): number { return TrainerSession.live.size }

  /**
   * Threads each trainer gets when `extra` more start now: max(1, ⌊cores / trainers⌋), or the
   * STUDIO_TRAINER_THREADS of the environment when the user set one (it then applies to each).
   */
  static threadShare(extra = 0): number {
    const fixed = Number(process.env[THREADS_ENV])
    if (Number.isInteger(fixed) && fixed > 0) return fixed
    return threadsForConcurrency(TrainerSession.live.size + extra)
  }

  /** Tells every live trainer its share after one started or ended, so together they fit the cores. */
  private static rebalance(): void {
    if (process.env[THREADS_ENV]) return
    const share = TrainerSession.threadShare()
    for (const s of TrainerSession.live) {
      if (s.threads === share || s.ended) continue
      s.threads = share
      s.proc.send({ v: PROTOCOL_VERSION, type: 'threads', threads: share })
    }
  }

  /** The thread share this trainer was last given. */
  private threads: number

  constructor(launcher: TrainerLauncher, entry: string, start: Omit<StartMessage, 'v' | 'type'>,
    private readonly events: TrainerSessionEvents) {
    // N trainers at once must not ask for N × cores threads: the new one starts with its share and
    // the others are told theirs (rebalance). A user's STUDIO_TRAINER_THREADS wins.
    this.threads = TrainerSession.threadShare(1)
    const env: Record<string, string> = process.env[THREADS_ENV] ? {} : { [THREADS_ENV]: String(this.threads) }
    this.proc = launcher.launch(entry, { name: start.runId, env })
    TrainerSession.live.add(this)
    TrainerSession.rebalance()
    this.proc.onMessage((raw) => this.handle(raw))
    this.proc.onExit((info) => {
      TrainerSession.live.delete(this)
      this.ended = true
      TrainerSession.rebalance()
      if (this.killTimer) clearTimeout(this.killTimer)
      this.events.onExit(info, this.done)
    })
    this.proc.send({ v: PROTOCOL_VERSION, type: 'start', ...start })
  }

  get pid(): number | undefined { return this.proc.pid }
  get exited(): boolean { return this.ended }

  private handle(raw: unknown): void {
    if (!isTrainerMessage(raw)) {
      log.warn('dropped a message that is not trainer protocol v1', raw)
      return
    }
    switch (raw.type) {
      case 'ready': this.events.onReady?.(raw.pid); break
      case 'backend': this.events.onBackend(raw); break
      case 'metrics': this.events.onMetrics(raw); break
      case 'checkpoint': this.events.onCheckpoint(raw); break
      case 'done': this.done = true; this.events.onDone(raw); break
      case 'error': this.events.onError(raw); break
      case 'paused': this.events.onPaused?.(raw); break
      case 'resumed': this.events.onResumed?.(raw); break
      case 'notice': this.events.onNotice?.(raw); break
      case 'distributions': this.events.onDistributions?.(raw); break
    }
  }

  /** Asks the trainer to stop after the current batch; kills it if it has not exited after `graceMs`. */
  stop(graceMs = 15_000): void {
    if (this.ended) return
    this.proc.send({ v: PROTOCOL_VERSION, type: 'stop' })
    if (!this.killTimer) this.killTimer = setTimeout(() => this.proc.kill(), graceMs)
  }

  /** Asks the trainer to pause after the current batch (it answers `paused`); the process stays. */
  pause(): void {
    if (!this.ended) this.proc.send({ v: PROTOCOL_VERSION, type: 'pause' })
  }

  /** Continues a paused trainer (it answers `resumed`). */
  resume(): void {
    if (!this.ended) this.proc.send({ v: PROTOCOL_VERSION, type: 'resume' })
  }

  /** Ends the process at once (app shutdown). */
  kill(): void {
    if (!this.ended) this.proc.kill()
  }
}
