/**
 * Threads (issue 6): N trainers at once share the cores (max(1, ⌊cores / N⌋) each, live trainers
 * told their new share when one starts or ends), the trainer applies a new share to its kernels,
 * the CLI flag is validated, and the backend hint does not tell people to install tfjs-node "for
 * much faster training" when the native engine already runs.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { TrainerSession, type ExitInfo, type TrainerLauncher, type TrainerProcess } from '../../../../main/trainer/trainerHost'
import { THREADS_ENV, coreCount, threadsForConcurrency } from '../../../../main/trainer/engine/threads'
import { applyThreadBudget, chooseKernels, resolveThreads } from '../../../../main/trainer/engine/kernels'
import { isHostMessage, type HostMessage } from '../../../../main/trainer/protocol'
import { fasterBackendHint } from '../../../../main/trainer/backend'
import { parseTrainArgs, UsageError } from '../../../../main/cli/args'

/** A launcher whose processes only record what they were sent and exit when told. */
class FakeLauncher implements TrainerLauncher {
  readonly kind = 'child-process' as const
  readonly procs: Array<{ env: Record<string, string> | undefined; sent: HostMessage[]; exit: () => void }> = []
  launch(_entry: string, options: { env?: Record<string, string>; name: string }): TrainerProcess {
    const sent: HostMessage[] = []
    let onExit: ((i: ExitInfo) => void) | null = null
    this.procs.push({ env: options.env, sent, exit: () => onExit?.({ kind: 'clean-exit', code: 0, signal: null, stderrTail: '' }) })
    return {
      pid: 1000 + this.procs.length,
      send: (m) => { sent.push(m) },
      onMessage: () => {},
      onExit: (l) => { onExit = l },
      kill: () => {}
    }
  }
}

const events = { onBackend: () => {}, onMetrics: () => {}, onCheckpoint: () => {}, onDone: () => {}, onError: () => {}, onExit: () => {} }
const start = (id: string) => ({ runId: id, config: { datasetId: 'x', model: { template: 'mlp' as const }, optimizer: 'adam' as const, learningRate: 0.01, batchSize: 8, epochs: 1, seed: 1, backend: 'auto' as const }, datasetDir: '/d', runDir: '/r' })
const threadsSent = (p: { sent: HostMessage[] }) => p.sent.filter((m) => m.type === 'threads').map((m) => (m as { threads: number }).threads)

afterEach(() => { delete process.env[THREADS_ENV] })

describe('thread share across trainers', () => {
  it('threadsForConcurrency is max(1, ⌊cores / n⌋)', () => {
    expect(threadsForConcurrency(1, 8)).toBe(8)
    expect(threadsForConcurrency(3, 8)).toBe(2)
    expect(threadsForConcurrency(16, 8)).toBe(1)
    expect(threadsForConcurrency(0, 2)).toBe(2)
  })

  it('each new trainer starts with its share and the running ones are told theirs, up and down again', () => {
    const cores = coreCount()
    const share = (n: number) => Math.max(1, Math.floor(cores / n))
    const l = new FakeLauncher()
    expect(TrainerSession.liveCount).toBe(0)
    new TrainerSession(l, 'entry.js', start('a'), events)
    expect(l.procs[0]!.env?.[THREADS_ENV]).toBe(String(share(1)))
    new TrainerSession(l, 'entry.js', start('b'), events)
    expect(l.procs[1]!.env?.[THREADS_ENV]).toBe(String(share(2)))
    new TrainerSession(l, 'entry.js', start('c'), events)
    expect(l.procs[2]!.env?.[THREADS_ENV]).toBe(String(share(3)))
    expect(TrainerSession.liveCount).toBe(3)
    // Never more threads than cores in total (unless there are more trainers than cores: 1 each).
    const now = () => l.procs.filter((_p, i) => i < 3).map((p, i) => threadsSent(p).at(-1) ?? Number(l.procs[i]!.env![THREADS_ENV]))
    expect(now().reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(Math.max(cores, 3))
    expect(now()).toEqual([share(3), share(3), share(3)])
    // Two end: the last one gets the whole machine again.
    l.procs[0]!.exit()
    l.procs[1]!.exit()
    expect(TrainerSession.liveCount).toBe(1)
    expect(threadsSent(l.procs[2]!).at(-1) ?? share(3)).toBe(share(1))
    expect(new StudioShare().value()).toBe(share(2))
    l.procs[2]!.exit()
    expect(TrainerSession.liveCount).toBe(0)
    // Messages are protocol messages a trainer accepts.
    for (const p of l.procs) for (const m of p.sent) expect(isHostMessage(m)).toBe(true)
  })

  it('a user-set STUDIO_TRAINER_THREADS wins: no env override, no rebalancing', () => {
    process.env[THREADS_ENV] = '1'
    const l = new FakeLauncher()
    new TrainerSession(l, 'entry.js', start('a'), events)
    new TrainerSession(l, 'entry.js', start('b'), events)
    expect(l.procs.map((p) => p.env)).toEqual([{}, {}])
    expect(l.procs.flatMap(threadsSent)).toEqual([])
    expect(TrainerSession.threadShare(5)).toBe(1)
    for (const p of l.procs) p.exit()
  })

  it('the trainer applies a new share to its kernels, the run setting staying the upper bound', () => {
    const k = chooseKernels({ prefer: 'portable' })
    expect(applyThreadBudget(1)).toMatchObject({ threads: 1, after: 1 })
    expect(resolveThreads()).toBe(1)
    expect(resolveThreads(4)).toBe(1)
    expect(k.kernels.threads).toBe(1) // portable kernels are single-threaded anyway
    expect(applyThreadBudget(64, 1).threads).toBe(1)
    expect(applyThreadBudget(64).threads).toBe(coreCount()) // capped by the cores
    expect(isHostMessage({ v: 1, type: 'threads', threads: 0 })).toBe(false)
    expect(isHostMessage({ v: 1, type: 'threads', threads: 2 })).toBe(true)
  })
})

/** StudioCore.threadShare delegates to TrainerSession.threadShare; checked through the static here. */
class StudioShare { value(): number { return TrainerSession.threadShare(1) } }

describe('studio train --threads / --drop-last', () => {
  const base = ['--dataset', 'spirals']
  it('sets RunConfig.threads and dropLast', () => {
    expect(parseTrainArgs([...base, '--threads', '2']).config.threads).toBe(2)
    expect(parseTrainArgs(base).config.threads).toBeUndefined()
    expect(parseTrainArgs([...base, '--drop-last']).config.dropLast).toBe(true)
    expect(parseTrainArgs(base).config.dropLast).toBeUndefined()
  })
  it.each(['0', '-1', '1.5', 'two', '', '257'])('rejects --threads %j with a specific message', (v) => {
    expect(() => parseTrainArgs([...base, `--threads=${v}`])).toThrow(UsageError)
    expect(() => parseTrainArgs([...base, `--threads=${v}`])).toThrow(`studio train: --threads: expected a whole number of threads from 1 to 256, got "${v}"`)
  })
})

describe('backend hint', () => {
  it('does not promise "much faster training" from tfjs-node when the native engine runs', () => {
    expect(fasterBackendHint('wasm')).toMatch(/much faster training/)
    expect(fasterBackendHint('wasm', { nativeEngine: true })).toBeNull()
    expect(fasterBackendHint('cpu', { nativeEngine: true })).toBeNull()
    expect(fasterBackendHint('tensorflow', { nativeEngine: true })).toMatch(/GPU/)
  })
})
