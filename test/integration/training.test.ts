/**
 * The spine end to end under plain Node: a real SQLite file, real trainer processes
 * (child_process.fork of the built trainer), real sample datasets.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MetricBatch, RunConfig, RunSummary } from '../../preload/contract/types'
import type { StudioCore } from '../../main/services/studio'
import { openTestCore } from '../helpers/core'
import { tempDir } from '../helpers/tmp'

let t: ReturnType<typeof tempDir>
let core: StudioCore

const base = { optimizer: 'adam', seed: 7, backend: 'auto' } as const

beforeAll(() => {
  t = tempDir('studio-int-')
  core = openTestCore(t.dir)
})
afterAll(async () => {
  await core?.close()
  t.cleanup()
})

function startAndCollect(config: RunConfig) {
  const points: MetricBatch[] = []
  const run = core.startRun(config)
  const off = core.hub.subscribe((e, p) => {
    if (e === 'runs:didMetrics' && (p as { runId: string }).runId === run.id) points.push((p as { batch: MetricBatch }).batch)
  })
  return { run, points, off }
}

describe('training through the trainer process', () => {
  it('installs the four sample datasets on first open', () => {
    const ids = core.datasets.list().map((d) => d.id).sort()
    expect(ids).toEqual(['digits', 'iris', 'spirals', 'xor'])
    for (const d of core.datasets.list()) {
      expect(d.trainSize).toBeGreaterThan(0)
      expect(d.valSize).toBeGreaterThan(0)
    }
  })

  it('XOR reaches 100% accuracy', async () => {
    const { run, off } = startAndCollect({
      ...base, datasetId: 'xor', model: { template: 'mlp', hidden: [8], activation: 'tanh' },
      learningRate: 0.05, batchSize: 4, epochs: 200
    })
    const end = await core.waitForEnd(run.id, 120_000)
    off()
    expect(end.error).toBeNull()
    expect(end.status).toBe('completed')
    expect(end.bestValAcc).toBe(1)
    expect(end.backend).toMatch(/^(tensorflow-gpu|tensorflow|wasm|cpu)$/)
    const detail = core.handlers['runs:get']({ runId: run.id }) as { checkpoints: { isBest: boolean; isLast: boolean; path: string }[] }
    expect(detail.checkpoints.length).toBe(200)
    expect(detail.checkpoints.filter((c) => c.isLast)).toHaveLength(1)
    expect(detail.checkpoints.filter((c) => c.isBest)).toHaveLength(1)
    expect(existsSync(path.join(detail.checkpoints.at(-1)!.path, 'model.json'))).toBe(true)
  })

  it('two spirals reach ≥ 95% validation accuracy', async () => {
    const { run, off } = startAndCollect({
      ...base, datasetId: 'spirals', model: { template: 'mlp', hidden: [64, 64], activation: 'relu' },
      learningRate: 0.01, batchSize: 32, epochs: 100
    })
    const end = await core.waitForEnd(run.id, 300_000)
    off()
    expect(end.status).toBe('completed')
    expect(end.bestValAcc).toBeGreaterThanOrEqual(0.95)
    const series = core.metrics.series(run.id)
    for (const name of ['batch/loss', 'batch/acc', 'epoch/loss', 'epoch/acc', 'epoch/val_loss', 'epoch/val_acc', 'epoch/lr', 'epoch/samples_per_sec']) {
      expect(series[name], name).toBeDefined()
    }
    expect(series['epoch/val_acc']!.value).toHaveLength(100)
  })

  it('stop ends a run as stopped, promptly', async () => {
    const { run, points, off } = startAndCollect({
      ...base, datasetId: 'digits', model: { template: 'mlp', hidden: [128] }, learningRate: 0.001, batchSize: 16, epochs: 50
    })
    await waitFor(() => points.length > 0, 60_000)
    const asked = Date.now()
    core.stopRun(run.id)
    const end = await core.waitForEnd(run.id, 30_000)
    off()
    expect(end.status).toBe('stopped')
    console.info(`stop → stopped in ${Date.now() - asked} ms`)
    expect(end.epochsDone).toBeLessThan(50)
  })

  it('kill -9 of the trainer marks the run failed within 2 s and keeps flushed metrics', async () => {
    const { run, points, off } = startAndCollect({
      ...base, datasetId: 'digits', model: { template: 'mlp', hidden: [128] }, learningRate: 0.001, batchSize: 16, epochs: 50
    })
    await waitFor(() => points.reduce((n, b) => n + b.value.length, 0) > 20, 60_000)
    const pid = core.trainerPid(run.id)
    expect(pid).toBeTypeOf('number')
    const received = points.reduce((n, b) => n + b.value.length, 0)
    const killedAt = Date.now()
    process.kill(pid!, 'SIGKILL')
    const end: RunSummary = await core.waitForEnd(run.id, 30_000)
    const took = Date.now() - killedAt
    off()
    expect(end.status).toBe('failed')
    expect(end.error).toMatch(/killed \(signal SIGKILL\)/)
    // Exit is seen through the process's 'exit' event, not a poll; the time is reported, not asserted.
    console.info(`kill -9 → run failed in ${took} ms`)
    // Everything that reached main before the kill is stored.
    expect(core.metrics.count(run.id)).toBeGreaterThanOrEqual(received)
    // And the studio keeps working.
    const next = core.startRun({ ...base, datasetId: 'xor', model: { template: 'logreg' }, learningRate: 0.1, batchSize: 4, epochs: 2 })
    expect((await core.waitForEnd(next.id, 60_000)).status).toBe('completed')
  })

  it('a restart finds every run, its metrics and its checkpoints', async () => {
    const before = core.runs.list()
    const counts = before.map((r) => core.metrics.count(r.id))
    const cps = before.map((r) => core.listCheckpoints(r.id).length)
    await core.close()
    core = openTestCore(t.dir)
    const after = core.runs.list()
    expect(after.map((r) => [r.id, r.status])).toEqual(before.map((r) => [r.id, r.status]))
    expect(after.map((r) => core.metrics.count(r.id))).toEqual(counts)
    expect(after.map((r) => core.listCheckpoints(r.id).length)).toEqual(cps)
  })

  it('refuses a model that does not fit the dataset with a message that says what to pick', () => {
    expect(() => core.startRun({ ...base, datasetId: 'iris', model: { template: 'cnn' }, learningRate: 0.01, batchSize: 8, epochs: 1 }))
      .toThrow(/cnn template needs image input.*Use mlp or logreg/)
    expect(() => core.startRun({ ...base, datasetId: 'nope', model: { template: 'mlp' }, learningRate: 0.01, batchSize: 8, epochs: 1 }))
      .toThrow(/No dataset with id "nope"/)
  })
})

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('trainer failures', () => {
  it('a corrupt dataset cache fails the run with a message naming the file', async () => {
    const t2 = tempDir('studio-int2-')
    const c = openTestCore(t2.dir)
    try {
      const dir = c.datasets.get('iris')!.dir
      const { writeFileSync } = await import('node:fs')
      writeFileSync(path.join(dir, 'train.x.bin'), Buffer.alloc(10))
      const run = c.startRun({ datasetId: 'iris', model: { template: 'mlp' }, optimizer: 'adam', learningRate: 0.01, batchSize: 8, epochs: 2, seed: 1, backend: 'auto' })
      const end = await c.waitForEnd(run.id, 30_000)
      expect(end.status).toBe('failed')
      expect(end.error).toMatch(/train\.x\.bin: 10 bytes, expected \d+/)
    } finally {
      await c.close()
      t2.cleanup()
    }
  })
})
