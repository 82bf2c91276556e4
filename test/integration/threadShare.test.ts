/**
 * N trainers at once never oversubscribe the cores (issue 6), with real trainer processes: a run
 * alone gets all cores; a second run started next to it gets its share, and the first is told to
 * shrink to its share (it says so in a `threads` notice); when the second ends, the first grows
 * back. Needs a machine with ≥ 2 cores and the native kernels (the only multi-threaded ones).
 */
import { afterAll, describe, expect, it } from 'vitest'
import type { RunConfig, RunNotice } from '../../preload/contract/types'
import { openTestCore } from '../helpers/core'
import { tempDir } from '../helpers/tmp'
import { coreCount } from '../../main/trainer/engine/threads'
import { probeEngine } from '../../main/trainer/engine/probe'

const t = tempDir('studio-threads-')
afterAll(() => t.cleanup())

const cores = coreCount()
const multi = cores >= 2 && probeEngine().native

const long: RunConfig = { datasetId: 'spirals', model: { template: 'mlp', hidden: [64, 64] }, optimizer: 'adam', learningRate: 0.01, batchSize: 8, epochs: 5000, seed: 1, backend: 'auto' }

describe.skipIf(!multi)('thread shares of concurrent trainers', () => {
  it('a second run takes half the cores and the first shrinks to its share, then grows back', async () => {
    const core = openTestCore(t.dir)
    const notices = new Map<string, RunNotice[]>()
    core.hub.subscribe((event, payload) => {
      if (event !== 'runs:didNotice') return
      const p = payload as { runId: string; notice: RunNotice }
      notices.set(p.runId, [...(notices.get(p.runId) ?? []), p.notice])
    })
    const threadsOf = async (id: string): Promise<number> => {
      for (let i = 0; i < 300; i++) {
        const b = core.runs.get(id)?.backendInfo
        if (b?.threads !== undefined) return b.threads
        await new Promise((r) => setTimeout(r, 100))
      }
      throw new Error(`run ${id} reported no threads`)
    }
    const waitNotice = async (id: string, re: RegExp): Promise<string> => {
      for (let i = 0; i < 300; i++) {
        const n = (notices.get(id) ?? []).find((x) => x.code === 'threads' && re.test(x.message))
        if (n) return n.message
        await new Promise((r) => setTimeout(r, 100))
      }
      throw new Error(`run ${id}: no threads notice matching ${re}; got ${JSON.stringify(notices.get(id) ?? [])}`)
    }
    try {
      const a = core.startRun(long)
      expect(await threadsOf(a.id)).toBe(cores)
      expect(core.threadShare()).toBe(cores) // one trainer alive
      const b = core.startRun({ ...long, seed: 2 })
      const share = Math.max(1, Math.floor(cores / 2))
      expect(await threadsOf(b.id)).toBe(share)
      const shrunk = await waitNotice(a.id, new RegExp(`now uses ${share} thread`))
      console.info(`run A after run B started: ${shrunk}`)
      expect(core.threadShare()).toBe(share)
      expect(core.threadShare(1)).toBe(Math.max(1, Math.floor(cores / 3)))

      core.stopRun(b.id)
      await core.waitForEnd(b.id, 60_000)
      const grown = await waitNotice(a.id, new RegExp(`now uses ${cores} threads`))
      console.info(`run A after run B ended: ${grown}`)
      core.stopRun(a.id)
      expect((await core.waitForEnd(a.id, 60_000)).status).toBe('stopped')
    } finally {
      await core.close()
    }
  }, 180_000)
})
