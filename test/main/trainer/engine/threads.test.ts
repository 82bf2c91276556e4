/**
 * The host gives each trainer process its share of the cores: N trainers alive at once get
 * cores ÷ N threads each (never N × cores), and a user's own STUDIO_TRAINER_THREADS wins.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { coreCount, THREADS_ENV } from '../../../../main/trainer/engine/threads'
import { TrainerSession, type ExitInfo, type TrainerLauncher } from '../../../../main/trainer/trainerHost'

const saved = process.env[THREADS_ENV]
afterEach(() => {
  if (saved === undefined) delete process.env[THREADS_ENV]
  else process.env[THREADS_ENV] = saved
})

/** A launcher that starts nothing and records the env each trainer would get. */
function fakeLauncher() {
  const envs: (Record<string, string> | undefined)[] = []
  const exits: ((i: ExitInfo) => void)[] = []
  const launcher: TrainerLauncher = {
    kind: 'child-process',
    launch(_entry, options) {
      envs.push(options.env)
      let onExit: ((i: ExitInfo) => void) | null = null
      exits.push((i) => onExit?.(i))
      return { pid: 1, send() {}, onMessage() {}, onExit(l) { onExit = l }, kill() {} }
    }
  }
  return { launcher, envs, exit: (n: number) => exits[n]!({ kind: 'clean-exit', code: 0, signal: null, stderrTail: '' }) }
}

const events = { onBackend() {}, onMetrics() {}, onCheckpoint() {}, onDone() {}, onError() {}, onExit() {} }
const start = (runId: string) => ({ runId, config: {} as never, datasetDir: '/x', runDir: '/y' })

describe('trainer thread budget', () => {
  it('splits the cores among the trainers alive at once', () => {
    delete process.env[THREADS_ENV]
    const f = fakeLauncher()
    const cores = coreCount()
    new TrainerSession(f.launcher, 'entry.js', start('a'), events)
    new TrainerSession(f.launcher, 'entry.js', start('b'), events)
    expect(Number(f.envs[0]![THREADS_ENV])).toBe(cores)
    expect(Number(f.envs[1]![THREADS_ENV])).toBe(Math.max(1, Math.floor(cores / 2)))
    // When both have exited, the next one gets every core again.
    f.exit(0); f.exit(1)
    new TrainerSession(f.launcher, 'entry.js', start('c'), events)
    expect(Number(f.envs[2]![THREADS_ENV])).toBe(cores)
    f.exit(2)
  })

  it('leaves a user-set STUDIO_TRAINER_THREADS alone', () => {
    process.env[THREADS_ENV] = '1'
    const f = fakeLauncher()
    new TrainerSession(f.launcher, 'entry.js', start('d'), events)
    expect(f.envs[0]![THREADS_ENV]).toBeUndefined()
    f.exit(0)
  })
})
