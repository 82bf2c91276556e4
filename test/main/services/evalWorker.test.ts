/**
 * EvalWorker's process handling with a scripted launcher (the real job runs in the integration
 * tests): one process for many requests, answers matched by id, a crash fails what was pending
 * with the reason and the next request starts a fresh process, a silent job times out.
 */
import { describe, expect, it } from 'vitest'
import { EvalWorker } from '../../../main/services/evalWorker'
import type { ExitInfo, TrainerLauncher, TrainerProcess } from '../../../main/trainer/trainerHost'

function scripted(answer: (msg: { id: number; type: string }, proc: { reply: (m: unknown) => void; exit: (i: ExitInfo) => void }) => void) {
  const launched: { killed: boolean }[] = []
  const launcher: TrainerLauncher = {
    kind: 'child-process',
    launch(): TrainerProcess {
      let onMsg: (m: unknown) => void = () => {}
      let onExit: (i: ExitInfo) => void = () => {}
      const state = { killed: false }
      launched.push(state)
      const ctl = { reply: (m: unknown) => setImmediate(() => onMsg(m)), exit: (i: ExitInfo) => setImmediate(() => onExit(i)) }
      return {
        pid: 1000 + launched.length,
        send: (m) => answer(m as unknown as { id: number; type: string }, ctl),
        onMessage: (l) => { onMsg = l },
        onExit: (l) => { onExit = l },
        kill: () => { state.killed = true }
      }
    }
  }
  return { launcher, launched }
}

describe('EvalWorker', () => {
  it('reuses one process and matches answers to requests', async () => {
    const { launcher, launched } = scripted((m, p) => p.reply({ v: 1, type: 'predicted', id: m.id, outputs: new Float32Array([m.id]), outputSize: 1 }))
    const w = new EvalWorker(launcher, 'job.js')
    const [a, b] = await Promise.all([w.predict('/c', new Float32Array(2), [2]), w.predict('/c', new Float32Array(2), [2])])
    expect([a.outputs[0], b.outputs[0]]).toEqual([1, 2])
    expect(launched).toHaveLength(1)
    w.close()
    expect(launched[0]!.killed).toBe(true)
  })

  it('a crash fails the pending request with the reason; the next request starts a new process', async () => {
    let n = 0
    const { launcher, launched } = scripted((m, p) => {
      if (n++ === 0) p.exit({ kind: 'oom', code: null, signal: 'SIGABRT', stderrTail: 'heap out of memory' })
      else p.reply({ v: 1, type: 'failed', id: m.id, message: 'the dataset has no test split' })
    })
    const w = new EvalWorker(launcher, 'job.js')
    await expect(w.evaluate('/c', '/d', 'val', 10)).rejects.toThrow(/ended before answering: The trainer ran out of memory/)
    await expect(w.evaluate('/c', '/d', 'test', 10)).rejects.toThrow('the dataset has no test split')
    expect(launched).toHaveLength(2)
    w.close()
  })

  it('a job that never answers times out and is killed', async () => {
    const { launcher, launched } = scripted(() => {})
    const w = new EvalWorker(launcher, 'job.js', 60_000, 50)
    await expect(w.predict('/c', new Float32Array(1), [1])).rejects.toThrow(/did not answer within 0.05 s; it was restarted/)
    expect(launched[0]!.killed).toBe(true)
    w.close()
  })
})
