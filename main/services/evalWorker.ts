/**
 * main's side of the evaluation job (issue 4): starts one evalJob process on demand through the
 * studio's TrainerLauncher, sends it requests one at a time, and ends it after `idleMs` without
 * requests (a prediction right after another reuses the loaded model). A crash fails the pending
 * requests with the reason and the next request starts a fresh process.
 */
import { createLogger } from '../common/logger'
import { describeExit, type TrainerLauncher, type TrainerProcess } from '../trainer/trainerHost'
import type { HostMessage } from '../trainer/protocol'
import {
  EVAL_PROTOCOL_VERSION, isEvalReply, type EvalReply, type EvaluateRequest, type EvaluationBody, type PredictRequest
} from '../trainer/evaluation/jobProtocol'
import { StudioError } from './errors'

const log = createLogger('eval-worker')

type Pending = { resolve: (r: EvalReply) => void; reject: (e: Error) => void }

export class EvalWorker {
  private proc: TrainerProcess | null = null
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private idleTimer: NodeJS.Timeout | null = null
  private closed = false

  constructor(private readonly launcher: TrainerLauncher, private readonly entry: string, private readonly idleMs = 60_000,
    private readonly requestTimeoutMs = 15 * 60_000) {}

  private ensure(): TrainerProcess {
    if (this.proc) return this.proc
    const proc = this.launcher.launch(this.entry, { name: 'eval', env: {} })
    proc.onMessage((raw) => {
      if (!isEvalReply(raw)) { log.warn('dropped a message that is not eval protocol', raw); return }
      if (raw.type === 'ready') return
      const p = this.pending.get(raw.id)
      if (!p) return
      this.pending.delete(raw.id)
      p.resolve(raw)
      this.armIdle()
    })
    proc.onExit((info) => {
      if (this.proc === proc) this.proc = null
      const reason = describeExit(info)
      for (const [id, p] of this.pending) {
        p.reject(new StudioError('internal', `The evaluation process ended before answering: ${reason}`))
        this.pending.delete(id)
      }
    })
    this.proc = proc
    return proc
  }

  private armIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    if (this.pending.size > 0) return
    this.idleTimer = setTimeout(() => { this.proc?.kill(); this.proc = null }, this.idleMs)
    this.idleTimer.unref()
  }

  private request<R extends EvalReply>(msg: Omit<EvaluateRequest, 'v' | 'id'> | Omit<PredictRequest, 'v' | 'id'>): Promise<R> {
    if (this.closed) return Promise.reject(new StudioError('unavailable', 'The studio is shutting down.'))
    if (this.idleTimer) { clearTimeout(this.idleTimer); this.idleTimer = null }
    const id = this.nextId++
    const proc = this.ensure()
    return new Promise<EvalReply>((resolve, reject) => {
      // A job that never answers (a hung backend) must not hang the caller: fail it and start over.
      const timer = setTimeout(() => {
        if (!this.pending.delete(id)) return
        reject(new StudioError('internal', `The evaluation process did not answer within ${this.requestTimeoutMs / 1000} s; it was restarted.`))
        proc.kill()
        if (this.proc === proc) this.proc = null
      }, this.requestTimeoutMs)
      timer.unref()
      this.pending.set(id, {
        resolve: (r) => { clearTimeout(timer); resolve(r) },
        reject: (e) => { clearTimeout(timer); reject(e) }
      })
      // The launcher's process type speaks the training protocol; the eval job reads its own messages.
      proc.send({ v: EVAL_PROTOCOL_VERSION, id, ...msg } as unknown as HostMessage)
    }).then((r) => {
      if (r.type === 'failed') throw new StudioError('internal', r.message)
      return r as R
    })
  }

  /** Evaluates a checkpoint folder on a split of a dataset cache. */
  async evaluate(checkpointDir: string, datasetDir: string, split: 'val' | 'test', examplesPerCell: number): Promise<EvaluationBody> {
    const r = await this.request<Extract<EvalReply, { type: 'evaluated' }>>({ type: 'evaluate', checkpointDir, datasetDir, split, examplesPerCell })
    return r.body
  }

  /** Model outputs for encoded examples (count × prod(inputShape) floats). */
  async predict(checkpointDir: string, x: Float32Array, inputShape: number[]): Promise<{ outputs: Float32Array; outputSize: number }> {
    const r = await this.request<Extract<EvalReply, { type: 'predicted' }>>({ type: 'predict', checkpointDir, x, inputShape })
    return { outputs: r.outputs, outputSize: r.outputSize }
  }

  /** Ends the process; pending requests fail. */
  close(): void {
    this.closed = true
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.proc?.kill()
    this.proc = null
  }
}
