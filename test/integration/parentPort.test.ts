/**
 * The trainer's Electron utility-process path (process.parentPort), exercised under plain Node:
 * the Electron binary cannot be installed here, so a forked Node process is given the same
 * parentPort shape (test/helpers/fakeParentPort.mjs) and a full run goes through it.
 */
import { fork } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StudioCore } from '../../main/services/studio'
import { StudioCore as Core } from '../../main/services/studio'
import { TailBuffer, classifyExit, type ExitInfo, type TrainerLauncher } from '../../main/trainer/trainerHost'
import { repoRoot, trainerEntry } from '../helpers/core'
import { tempDir } from '../helpers/tmp'

let viaPort = 0
const portLauncher: TrainerLauncher = {
  kind: 'utility-process',
  launch(entry) {
    const tail = new TailBuffer()
    const child = fork(entry, [], {
      execArgv: ['--import', path.join(repoRoot, 'test', 'helpers', 'fakeParentPort.mjs')],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced'
    })
    child.stderr!.on('data', (d) => tail.push(String(d)))
    const exits: ((i: ExitInfo) => void)[] = []
    child.on('close', (code, signal) => { for (const l of exits) l({ kind: classifyExit(code, signal, tail.toString()), code, signal, stderrTail: tail.toString() }) })
    return {
      get pid() { return child.pid },
      send: (m) => { child.send(m) },
      onMessage: (l) => child.on('message', (w: { viaParentPort?: boolean; m?: unknown }) => {
        if (w.viaParentPort) { viaPort++; l(w.m) }
      }),
      onExit: (l) => { exits.push(l) },
      kill: () => { child.kill('SIGKILL') }
    }
  }
}

let t: ReturnType<typeof tempDir>
let core: StudioCore
beforeAll(() => {
  t = tempDir('studio-port-')
  core = Core.open({ dataDir: t.dir, trainerEntry, launcher: portLauncher, mode: 'electron', version: 'test', samplesDir: path.join(repoRoot, 'resources', 'samples') })
})
afterAll(async () => { await core.close(); t.cleanup() })

describe('trainer over an Electron-style parentPort', () => {
  it('trains XOR to completion with every message going through parentPort', async () => {
    const run = core.startRun({ datasetId: 'xor', model: { template: 'mlp', hidden: [8], activation: 'tanh' }, optimizer: 'adam', learningRate: 0.05, batchSize: 4, epochs: 150, seed: 3, backend: 'auto' })
    const end = await core.waitForEnd(run.id, 60_000)
    expect(end.status).toBe('completed')
    expect(end.bestValAcc).toBe(1)
    expect(viaPort).toBeGreaterThan(3)
    expect(core.listCheckpoints(run.id)).toHaveLength(150)
  })

  it('stops on request through parentPort', async () => {
    const run = core.startRun({ datasetId: 'digits', model: { template: 'mlp', hidden: [64] }, optimizer: 'adam', learningRate: 0.001, batchSize: 8, epochs: 30, seed: 3, backend: 'auto' })
    await new Promise<void>((resolve) => {
      const off = core.hub.subscribe((e, p) => {
        if (e === 'runs:didMetrics' && (p as { runId: string }).runId === run.id) { off(); resolve() }
      })
    })
    core.stopRun(run.id)
    const end = await core.waitForEnd(run.id, 20_000)
    expect(end.status).toBe('stopped')
    expect(end.epochsDone).toBeLessThan(30)
  })
})
