/**
 * The HPO coordinator end to end: real SQLite file, real trainer processes (the built
 * out/main/trainer.js), real sample datasets. Small studies on xor / spirals; timings are
 * reported with console.info, never asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { HpoStudyInput, HpoStudySummary, HpoTrialEvent } from '../../preload/contract/types'
import type { StudioCore } from '../../main/services/studio'
import { createDispatcher } from '../../main/ipc/dispatch'
import { openTestCore } from '../helpers/core'
import { tempDir } from '../helpers/tmp'

let t: ReturnType<typeof tempDir>
let core: StudioCore

beforeAll(() => {
  t = tempDir('studio-hpo-')
  core = openTestCore(t.dir)
})
afterAll(async () => {
  await core?.close()
  t?.cleanup()
})

const xorBase = {
  datasetId: 'xor', model: { template: 'mlp' as const, hidden: [8], activation: 'tanh' as const },
  optimizer: 'adam' as const, learningRate: 0.05, batchSize: 4, epochs: 8, seed: 7, backend: 'auto' as const
}

function xorStudy(over: Partial<HpoStudyInput> = {}): HpoStudyInput {
  return {
    name: 'xor study',
    baseConfig: xorBase,
    space: {
      params: [
        { name: 'learningRate', kind: 'float', low: 0.01, high: 0.3, log: true },
        { name: 'model.units', kind: 'discrete', values: [4, 8] }
      ]
    },
    objective: { metric: 'val_loss', direction: 'minimize' },
    sampler: { kind: 'random', seed: 3 },
    budget: { trials: 3 },
    ...over
  }
}

/** Resolves with the first trial event matching `pred`. */
function nextTrial(c: StudioCore, pred: (e: HpoTrialEvent) => boolean, timeoutMs = 120_000): Promise<HpoTrialEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { off(); reject(new Error('no matching hpo:didTrial event')) }, timeoutMs)
    const off = c.hub.subscribe((event, payload) => {
      if (event === 'hpo:didTrial' && pred(payload as HpoTrialEvent)) {
        clearTimeout(timer)
        off()
        resolve(payload as HpoTrialEvent)
      }
    })
  })
}

describe('HPO studies through trainer processes', () => {
  it('runs a small study on xor to its budget, each trial a real run with its per-epoch values', async () => {
    const t0 = performance.now()
    const detail = core.hpo.create(xorStudy(), true)
    const end = await core.hpo.waitFor(detail.summary.id, ['completed'], 180_000)
    console.info(`xor study, 3 trials × 8 epochs: ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    expect(end.counts).toMatchObject({ total: 3, complete: 3, failed: 0, running: 0 })
    expect(end.best).not.toBeNull()
    expect(end.threadsPerTrial).toBeGreaterThanOrEqual(1)
    const d = core.hpo.detail(detail.summary.id)
    for (const tr of d.trials) {
      expect(tr.runId).toMatch(/^r-/)
      expect(tr.intermediate.map(([s]) => s)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
      expect(tr.value).toBe(tr.intermediate[7]![1])
      const run = core.runs.get(tr.runId!)!
      expect(run.status).toBe('completed')
      expect(run.config.learningRate).toBe(tr.params.learningRate)
      expect(run.config.model).toMatchObject({ hidden: [tr.params['model.units']] })
      expect(run.config.threads).toBe(end.threadsPerTrial)
    }
    const a = core.hpo.analysis(detail.summary.id)
    expect(a.history).toHaveLength(3)
    expect(a.parallel.rows).toHaveLength(3)
    expect(a.importance.method).toBe('mdi-random-forest')
    expect(a.contour?.points).toHaveLength(3)
    expect(Object.keys(a.timeline)).toEqual(['w0'])
    const g = core.hpo.surrogate({ studyId: detail.summary.id, params: ['learningRate'], resolution: 20 })
    expect(g.axes[0]!.values).toHaveLength(20)
    expect(g.mean).toHaveLength(20)
    expect(g.sd.every((x) => x >= 0)).toBe(true)
    expect(g.points).toHaveLength(3)
    expect(core.hpo.surrogate({ studyId: detail.summary.id, params: ['learningRate', 'model.units'], iteration: 2, resolution: 5 }).mean).toHaveLength(10)
    expect(() => core.hpo.surrogate({ studyId: detail.summary.id, params: ['nope'] })).toThrow(/nope: not a parameter/)
  })

  it('the dispatcher validates hpo:create with field paths and runs the hpo channels', async () => {
    const dispatch = createDispatcher(core.handlers)
    const bad = await dispatch('hpo:create', { study: { ...xorStudy(), budget: {} } })
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_argument' } })
    expect(JSON.stringify(bad)).toMatch(/budget/)
    const badSpace = await dispatch('hpo:create', { study: xorStudy({ space: { params: [{ name: 'learningRate', kind: 'float', low: 0, high: 1, log: true }] } }) })
    expect(badSpace).toMatchObject({ ok: false, error: { message: expect.stringMatching(/space: learningRate: low 0 must be > 0 for a log scale/) } })
    const badField = await dispatch('hpo:create', { study: xorStudy({ space: { params: [{ name: 'model.dropoutz', kind: 'float', low: 0, high: 0.5 }] } }) })
    expect(badField).toMatchObject({ ok: false, error: { message: expect.stringMatching(/space\.params\.0 \("model\.dropoutz".*model/) } })
    const badData = await dispatch('hpo:create', { study: xorStudy({ baseConfig: { ...xorBase, datasetId: 'nope' } }) })
    expect(badData).toMatchObject({ ok: false, error: { message: expect.stringMatching(/baseConfig\.datasetId: no dataset "nope"/) } })
    const hint = await dispatch('hpo:hint', { space: xorStudy().space, budgetTrials: 20 })
    expect(hint).toMatchObject({ ok: true, value: { errors: [], samplerKind: 'gp', dims: 2 } })
    const list = await dispatch('hpo:list', {})
    expect(list.ok).toBe(true)
  })

  it('prunes a hopeless trial: main stops its run early and records it pruned', async () => {
    const d = core.hpo.create({
      name: 'prune',
      baseConfig: { ...xorBase, datasetId: 'spirals', model: { template: 'mlp', hidden: [32, 32], activation: 'relu' }, batchSize: 32, epochs: 60 },
      space: { params: [{ name: 'learningRate', kind: 'float', low: 1e-5, high: 0.05, log: true }] },
      objective: { metric: 'epoch/val_loss', direction: 'minimize' },
      pruner: { kind: 'median', nStartupTrials: 1, nWarmupSteps: 2 },
      budget: { trials: 2 },
      enqueue: [{ learningRate: 0.02 }, { learningRate: 1e-5 }]
    }, true)
    const end = await core.hpo.waitFor(d.summary.id, ['completed'], 180_000)
    const trials = core.hpo.detail(d.summary.id).trials
    expect(trials.map((x) => x.state)).toEqual(['complete', 'pruned'])
    const pruned = trials[1]!
    expect(pruned.intermediate.length).toBeLessThan(60)
    expect(pruned.value).toBe(pruned.intermediate[pruned.intermediate.length - 1]![1])
    const run = core.runs.get(pruned.runId!)!
    expect(run.status).toBe('pruned')
    expect(run.epochsDone).toBeLessThan(60)
    console.info(`pruned trial: stopped after ${run.epochsDone} of 60 epochs (pruned at step ${pruned.intermediate.length - 1})`)
    expect(end.counts.pruned).toBe(1)
    expect(core.hpo.analysis(d.summary.id).intermediate.find((c) => c.number === 1)?.pruned).toBe(true)
  })

  it('pauses (running trial finishes, no new one) and resumes to the budget', async () => {
    const d = core.hpo.create(xorStudy({ name: 'pause', budget: { trials: 3 }, baseConfig: { ...xorBase, epochs: 40 } }), true)
    const id = d.summary.id
    await nextTrial(core, (e) => e.studyId === id && e.trial.state === 'running' && e.trial.intermediate.length >= 1)
    const paused = core.hpo.pause(id, 'finish')
    expect(paused.state).toBe('pausing')
    const p = await core.hpo.waitFor(id, ['paused'], 120_000)
    expect(p.counts.running).toBe(0)
    // The trial that was running finished (a short xor trial may have been followed by one more
    // before the pause arrived); nothing new starts while paused.
    expect(p.counts.complete).toBe(p.counts.total)
    expect(p.counts.total).toBeLessThan(3)
    await new Promise((r) => setTimeout(r, 1500))
    expect(core.hpo.summary(id).counts.total).toBe(p.counts.total)
    expect(core.hpo.resume(id).state).toBe('running')
    const end = await core.hpo.waitFor(id, ['completed'], 180_000)
    expect(end.counts.complete).toBe(3)
    // pause mode `stop` stops the running trial and queues its configuration again
    const d2 = core.hpo.create(xorStudy({ name: 'pause-stop', budget: { trials: 2 }, baseConfig: { ...xorBase, epochs: 200 } }), true)
    await nextTrial(core, (e) => e.studyId === d2.summary.id && e.trial.state === 'running' && e.trial.intermediate.length >= 2)
    core.hpo.pause(d2.summary.id, 'stop')
    await core.hpo.waitFor(d2.summary.id, ['paused'], 60_000)
    const tr = core.hpo.detail(d2.summary.id).trials
    expect(tr.map((x) => x.state)).toEqual(['failed', 'waiting'])
    expect(tr[0]!.error).toMatch(/pausing/)
    expect(tr[1]).toMatchObject({ retryOf: 0, params: tr[0]!.params })
    core.hpo.stop(d2.summary.id)
    expect(core.hpo.summary(d2.summary.id).state).toBe('stopped')
  })

  it('runs two trainer processes at once with parallelism 2, each with its share of the cores', async () => {
    const d = core.hpo.create(xorStudy({ name: 'parallel', parallelism: 2, budget: { trials: 5 }, sampler: { kind: 'gp', nInitial: 2, seed: 4 }, baseConfig: { ...xorBase, epochs: 30 } }), true)
    let maxRunning = 0
    const off = core.hub.subscribe((e, p) => {
      if (e === 'hpo:didChange' && (p as HpoStudySummary).id === d.summary.id) maxRunning = Math.max(maxRunning, (p as HpoStudySummary).counts.running)
    })
    const end = await core.hpo.waitFor(d.summary.id, ['completed'], 240_000)
    off()
    expect(maxRunning).toBe(2)
    expect(end.counts.complete).toBe(5)
    expect(end.samplerKind).toBe('gp')
    expect(end.threadsPerTrial).toBe(Math.max(1, Math.floor((await import('node:os')).availableParallelism() / 2)))
    const lanes = core.hpo.analysis(d.summary.id).timeline
    expect(Object.keys(lanes).sort()).toEqual(['w0', 'w1'])
  })

  it('a trainer killed with SIGKILL mid-trial fails that trial; with retry its configuration runs again and the study finishes', async () => {
    const d = core.hpo.create(xorStudy({ name: 'kill', budget: { trials: 2 }, retry: { onFailure: 'retry', maxRetries: 1 }, baseConfig: { ...xorBase, epochs: 60 } }), true)
    const id = d.summary.id
    const ev = await nextTrial(core, (e) => e.studyId === id && e.trial.number === 0 && e.trial.intermediate.length >= 2)
    const pid = core.trainerPid(ev.trial.runId!)
    expect(pid).toBeGreaterThan(0)
    process.kill(pid!, 'SIGKILL')
    const end = await core.hpo.waitFor(id, ['completed'], 240_000)
    const tr = core.hpo.detail(id).trials
    expect(tr[0]).toMatchObject({ state: 'failed' })
    expect(tr[0]!.error).toMatch(/SIGKILL|signal|exited/i)
    const retry = tr.find((x) => x.retryOf === 0)!
    expect(retry.params).toEqual(tr[0]!.params)
    expect(end.counts.complete).toBe(2)
  })
})

describe('budgets and warm starts', () => {
  it('a wall-time budget ends the study (the running trial finishes); extend adds trials and it runs again', async () => {
    const d = core.hpo.create(xorStudy({ name: 'wall', budget: { wallTimeMs: 1000 }, baseConfig: { ...xorBase, epochs: 30 } }), true)
    const end = await core.hpo.waitFor(d.summary.id, ['completed'], 120_000)
    expect(end.message).toMatch(/wall-time budget/)
    expect(end.counts.running).toBe(0)
    expect(end.counts.complete).toBeGreaterThanOrEqual(1)
    const n = end.counts.complete
    const again = core.hpo.extend(d.summary.id, 2, 600_000)
    expect(again.state).toBe('running')
    const end2 = await core.hpo.waitFor(d.summary.id, ['completed'], 120_000)
    expect(end2.counts.complete).toBe(n + 2)
    expect(end2.budget.trials).toBe(n + 2)
  })

  it('enqueued points run first; trials import from another study with the same objective', async () => {
    const a = core.hpo.create(xorStudy({ name: 'warm-a', budget: { trials: 2 }, enqueue: [{ learningRate: 0.1, 'model.units': 4 }] }), true)
    await core.hpo.waitFor(a.summary.id, ['completed'], 120_000)
    const first = core.hpo.detail(a.summary.id).trials[0]!
    expect(first.params).toEqual({ learningRate: 0.1, 'model.units': 4 })
    const b = core.hpo.create(xorStudy({ name: 'warm-b', budget: { trials: 3 } }))
    expect(core.hpo.importTrials(b.summary.id, a.summary.id)).toEqual({ imported: 2, skipped: 0 })
    const queued = core.hpo.enqueue(b.summary.id, [{ learningRate: 0.2, 'model.units': 8 }])
    expect(queued[0]).toMatchObject({ number: 2, state: 'waiting' })
    expect(() => core.hpo.enqueue(b.summary.id, [{ learningRate: 5 }])).toThrow(/params\.0: learningRate: 5 is outside.*model\.units: missing/)
    core.hpo.start(b.summary.id)
    const end = await core.hpo.waitFor(b.summary.id, ['completed'], 120_000)
    const tr = core.hpo.detail(b.summary.id).trials
    expect(tr.map((x) => x.importedFrom === null)).toEqual([false, false, true])
    expect(tr[2]!.params).toEqual({ learningRate: 0.2, 'model.units': 8 })
    expect(end.counts.complete).toBe(3)
    expect(() => core.hpo.delete(b.summary.id)).not.toThrow()
    expect(core.hpo.list().some((s) => s.id === b.summary.id)).toBe(false)
  })
})

describe('a study that cannot start trials', () => {
  it('pauses with the reason (dataset gone) and keeps the configuration queued instead of using up its budget', async () => {
    const dir = tempDir('studio-hpo-gone-')
    const c = openTestCore(dir.dir)
    try {
      const d = c.hpo.create(xorStudy({ name: 'gone', budget: { trials: 5 } }))
      c.db.prepare(`UPDATE datasets SET deleted_at = 1 WHERE id = 'xor'`).run()
      c.hpo.start(d.summary.id)
      const p = await c.hpo.waitFor(d.summary.id, ['paused'], 30_000)
      expect(p.message).toMatch(/Could not start the trial's run: No dataset with id "xor"/)
      const tr = c.hpo.detail(d.summary.id).trials
      expect(tr.map((x) => x.state)).toEqual(['failed', 'waiting'])
      expect(tr[1]!.params).toEqual(tr[0]!.params)
    } finally {
      await c.close()
      dir.cleanup()
    }
  })
})

describe('a study survives the studio stopping mid-trial', () => {
  it('reopened on the same data folder: the running trial is failed and re-queued, and the study continues to its budget', async () => {
    const dir = tempDir('studio-hpo-crash-')
    try {
      let c = openTestCore(dir.dir)
      const d = c.hpo.create(xorStudy({ name: 'crash', budget: { trials: 2 }, baseConfig: { ...xorBase, epochs: 100 } }), true)
      const id = d.summary.id
      await nextTrial(c, (e) => e.studyId === id && e.trial.state === 'running' && e.trial.intermediate.length >= 2)
      // The core goes away without finishing the study (as after a crash: nothing marks the trial).
      await c.close(500)
      c = openTestCore(dir.dir)
      try {
        const after = c.hpo.detail(id)
        expect(after.summary.state).toBe('paused')
        expect(after.trials[0]).toMatchObject({ state: 'failed' })
        expect(after.trials[0]!.error).toMatch(/Interrupted/)
        expect(after.trials[1]).toMatchObject({ state: 'waiting', retryOf: 0, params: after.trials[0]!.params })
        expect(c.hpo.continueInterrupted()).toEqual([id])
        const end = await c.hpo.waitFor(id, ['completed'], 240_000)
        expect(end.counts.complete, JSON.stringify(c.hpo.detail(id).trials.map((x) => [x.state, x.error]))).toBe(2)
        expect(end.counts.failed).toBe(1)
      } finally {
        await c.close()
      }
    } finally {
      dir.cleanup()
    }
  })
})
