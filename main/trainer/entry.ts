/**
 * The trainer process entry (built to out/main/trainer.js). One process trains one run:
 *
 *   host                         trainer
 *   fork ───────────────────────▶ sends `ready`
 *   `start` ────────────────────▶ `backend`, `metrics`…, `checkpoint`…, `done`   → exit 0
 *   `stop` (any time) ──────────▶ stops after the current batch, `done` 'stopped' → exit 0
 *   `pause` / `resume` ─────────▶ `paused` (after the current batch) / `resumed`; stop still works
 *   a NaN/Inf loss ─────────────▶ `done` 'diverged' with the step                 → exit 0
 *   anything wrong ─────────────▶ `error` {code, message}                        → exit 1
 *
 * It runs under Node's child_process.fork (process.send / process.on('message')) or Electron's
 * utilityProcess.fork (process.parentPort); which one is detected at run time. It never imports
 * 'electron', so the same file serves the desktop app, the headless server and the tests.
 */
import * as tf from '@tensorflow/tfjs'
import { isHostMessage, PROTOCOL_VERSION, type HostMessage, type TrainerMessage } from './protocol'
import { logDiag } from './log'
import { THREADS_ENV } from './engine/threads'
import { runTraining } from './train'
import { PauseGate } from './pauseGate'
import { applyThreadBudget } from './engine/kernels'
import { toErrorInfo } from './trainerError'

/** The parent link, whichever kind of process this is. */
interface ParentChannel {
  send(msg: TrainerMessage): void
  onMessage(handler: (msg: unknown) => void): void
  /** Resolves once queued messages are handed to the OS (child_process) or posted (Electron). */
  drain(): Promise<void>
  close(): void
}

interface ElectronParentPort {
  postMessage(msg: unknown): void
  on(event: 'message', listener: (e: { data: unknown }) => void): void
  close?(): void
}

function openChannel(): ParentChannel | null {
  const parentPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort
  if (parentPort) {
    return {
      send: (msg) => parentPort.postMessage(msg),
      onMessage: (h) => parentPort.on('message', (e) => h(e.data)),
      // postMessage has no completion callback; a short grace lets the port flush before exit.
      drain: () => new Promise((resolve) => setTimeout(resolve, 50)),
      close: () => parentPort.close?.()
    }
  }
  if (typeof process.send === 'function') {
    let pending: Promise<void> = Promise.resolve()
    return {
      send: (msg) => {
        if (!process.connected) return
        pending = new Promise((resolve) => process.send!(msg, undefined, undefined, () => resolve()))
      },
      onMessage: (h) => process.on('message', h),
      // IPC writes complete in order, so the last one's callback means all are out.
      drain: () => pending,
      close: () => { if (process.connected) process.disconnect() }
    }
  }
  return null
}

async function main(): Promise<void> {
  const channel = openChannel()
  if (!channel) {
    logDiag('no parent channel: start me with child_process.fork or utilityProcess.fork')
    process.exit(1)
  }
  // Silences TF.js's console banner and debug checks: this process speaks only the protocol.
  tf.enableProdMode()

  const abort = new AbortController()
  const pause = new PauseGate()
  let started = false
  let finishing = false
  // The host's thread budget for this trainer (ThreadsMessage) and the run's own setting.
  let threadBudget: number | null = null
  let requestedThreads: number | undefined

  const finish = async (code: number): Promise<never> => {
    finishing = true
    await channel.drain()
    channel.close()
    process.exit(code)
  }
  const fail = (e: unknown, fallback?: { code: 'bad_message'; message: string }): void => {
    if (finishing) return
    const info = fallback ?? toErrorInfo(e)
    logDiag(`error (${info.code}): ${info.message}`)
    channel.send({ v: PROTOCOL_VERSION, type: 'error', code: info.code, message: info.message })
    void finish(1)
  }

  process.on('uncaughtException', (e) => fail(e))
  process.on('unhandledRejection', (e) => fail(e))
  // The host went away (crash, kill): nobody will read our messages, stop now.
  process.on('disconnect', () => { if (!finishing) process.exit(0) })

  channel.onMessage((raw) => {
    if (finishing) return
    if (!isHostMessage(raw)) {
      const m = raw as { v?: unknown; type?: unknown } | null
      const what = typeof m === 'object' && m !== null && m.v !== PROTOCOL_VERSION
        ? `protocol version ${String(m.v)} (this trainer speaks ${PROTOCOL_VERSION})`
        : `message type ${String(m?.type)}`
      fail(null, { code: 'bad_message', message: `unexpected ${what}` })
      return
    }
    const msg: HostMessage = raw
    if (msg.type === 'threads') {
      threadBudget = msg.threads
      if (started) {
        const r = applyThreadBudget(msg.threads, requestedThreads)
        // Say so when the engine's threads really change (not for single-thread kernels or libtensorflow).
        if (r.before > 0 && r.after !== r.before) {
          channel.send({ v: PROTOCOL_VERSION, type: 'notice', code: 'threads',
            message: `The studio engine now uses ${r.after} thread${r.after === 1 ? '' : 's'} (was ${r.before}): ${r.after < r.before ? 'another run started and the cores are shared' : 'another run ended'}.`,
            key: r.after < r.before ? 'threadsShared' : 'threadsFreed', params: { after: r.after, before: r.before } })
        }
      } else process.env[THREADS_ENV] = String(msg.threads)
      return
    }
    if (msg.type === 'pause') {
      // Acknowledged by the loop with `paused` once the current batch is done (train.ts).
      pause.requestPause()
      return
    }
    if (msg.type === 'resume') {
      // Waiting loop: it sends `resumed` itself. A pause not reached yet is just cancelled.
      if (!pause.requestResume()) channel.send({ v: PROTOCOL_VERSION, type: 'resumed', epoch: 0, step: -1 })
      return
    }
    if (msg.type === 'stop') {
      abort.abort()
      pause.requestResume()
      if (!started) {
        channel.send({ v: PROTOCOL_VERSION, type: 'done', status: 'stopped', epochsDone: 0, steps: 0 })
        void finish(0)
      }
      return
    }
    if (started) {
      fail(null, { code: 'bad_message', message: 'a second start: one trainer process trains one run' })
      return
    }
    started = true
    requestedThreads = msg.config.threads
    if (threadBudget !== null) process.env[THREADS_ENV] = String(threadBudget)
    runTraining(
      { runId: msg.runId, config: msg.config, datasetDir: msg.datasetDir, runDir: msg.runDir, resumeFrom: msg.resumeFrom },
      { send: (m) => channel.send(m), signal: abort.signal, pause }
    ).then(() => finish(0), (e: unknown) => fail(e))
  })

  channel.send({ v: PROTOCOL_VERSION, type: 'ready', pid: process.pid })
}

void main()
