/**
 * models:* through the real dispatcher on a real core (real SQLite file, sample datasets): saving
 * versions by spec hash, refusing invalid graphs with the offending node, Keras import and export
 * round trip, delete as tombstone, and argument validation at the boundary.
 */
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDispatcher, type Dispatch } from '../../../main/ipc/dispatch'
import { StudioCore } from '../../../main/services/studio'
import { nodeLauncher } from '../../../main/trainer/trainerHost'
import { templateGraph } from '../../../preload/contract/model/templates'
import type { GraphSpec } from '../../../preload/contract/model/graph'
import type { Envelope } from '../../../preload/contract/channels'
import type { ModelSaveResult } from '../../../preload/contract/types'
import { repoRoot } from '../../helpers/core'
import { tempDir } from '../../helpers/tmp'

let t: ReturnType<typeof tempDir>
let core: StudioCore
let dispatch: Dispatch

const xor = { inputShape: [2], task: 'classification' as const, numClasses: 2 }
const ok = <T>(r: Envelope<unknown>): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  return r.value as T
}

beforeAll(() => {
  t = tempDir('studio-models-')
  core = StudioCore.open({
    dataDir: t.dir, trainerEntry: path.join(repoRoot, 'out', 'main', 'trainer.js'), launcher: nodeLauncher, mode: 'browser',
    version: 'test', samplesDir: path.join(repoRoot, 'resources', 'samples')
  })
  dispatch = createDispatcher(core.handlers)
})
afterAll(async () => {
  await core?.close()
  t.cleanup()
})

describe('models service', () => {
  it('saves a model, adds a version only when the spec changed, and lists it', async () => {
    const spec = templateGraph('xor', xor)
    const first = ok<ModelSaveResult>(await dispatch('models:save', { spec, name: 'XOR net', datasetId: 'xor' }))
    expect(first.created).toBe(true)
    expect(first.version.version).toBe(1)
    expect(first.model).toMatchObject({ name: 'XOR net', latestVersion: 1, versionCount: 1, runCount: 0 })
    expect(first.version.totalParams).toBeGreaterThan(0)
    // same spec, keys in another order: same hash, no new version
    const reverseKeys = (v: unknown): unknown => Array.isArray(v) ? v.map(reverseKeys)
      : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverseKeys(x)])) : v
    const reordered = reverseKeys(spec) as GraphSpec
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(spec))
    const same = ok<ModelSaveResult>(await dispatch('models:save', { modelId: first.model.id, spec: reordered }))
    expect(same.created).toBe(false)
    expect(same.version.version).toBe(1)
    const changed = structuredClone(spec)
    const dense = changed.nodes.find((n) => n.kind === 'Dense' && n.id !== 'output')!
    ;(dense.params as { units?: number }) = { ...(dense.params ?? {}), units: 16 }
    const second = ok<ModelSaveResult>(await dispatch('models:save', { modelId: first.model.id, spec: changed, note: 'wider' }))
    expect(second.created).toBe(true)
    expect(second.version).toMatchObject({ version: 2, note: 'wider' })
    expect(second.version.hash).not.toBe(first.version.hash)
    const detail = ok<{ versions: { version: number; spec: unknown }[] }>(await dispatch('models:get', { modelId: first.model.id }))
    expect(detail.versions.map((v) => v.version)).toEqual([2, 1])
    expect(detail.versions[1]!.spec).toEqual(spec)
    const list = ok<{ id: string }[]>(await dispatch('models:list', {}))
    expect(list.map((m) => m.id)).toContain(first.model.id)
  })

  it('refuses an invalid graph naming the offending node and the fix', async () => {
    const spec = templateGraph('xor', xor)
    const out = spec.nodes.find((n) => n.id === 'output')!
    ;(out.params as { units?: number }) = { ...(out.params ?? {}), units: 3 }
    const r = await dispatch('models:save', { spec, datasetId: 'xor' })
    expect(r.ok).toBe(false)
    expect(!r.ok && r.error.code).toBe('invalid_argument')
    expect(!r.ok && r.error.message).toMatch(/^output \(Dense\): .*2/)
    const broken = { ...spec, nodes: spec.nodes.map((n) => (n.id === 'output' ? { ...n, inputs: ['nope'] } : n)) }
    const r2 = await dispatch('models:save', { spec: broken })
    expect(!r2.ok && r2.error.message).toMatch(/^output \(Dense\): input "nope"/)
    const r3 = await dispatch('models:save', { spec: { format: 'keras' } })
    expect(!r3.ok && r3.error.message).toMatch(/^model: /)
  })

  it('imports a TF.js model.json topology and exports it back (studio JSON and Keras topology)', async () => {
    const m = tf.sequential({ name: 'tiny' })
    m.add(tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu', name: 'hidden' }))
    m.add(tf.layers.dense({ units: 3, activation: 'softmax', name: 'probs' }))
    const json = JSON.stringify({ format: 'layers-model', modelTopology: m.toJSON(null, false), weightsManifest: [] })
    m.dispose()
    const r = ok<ModelSaveResult & { warnings: string[] }>(await dispatch('models:importKeras', { json, name: 'Imported' }))
    expect(r.model.name).toBe('Imported')
    const spec = r.version.spec as GraphSpec
    expect(spec.nodes.map((n) => n.kind)).toEqual(['Input', 'Dense', 'Dense'])
    expect(r.version.totalParams).toBe(4 * 8 + 8 + 8 * 3 + 3)
    const exported = ok<{ fileName: string; json: string }>(await dispatch('models:export', { modelId: r.model.id }))
    expect(exported.fileName).toBe('imported-v1.json')
    expect(JSON.parse(exported.json)).toEqual(spec)
    const keras = ok<{ json: string }>(await dispatch('models:export', { modelId: r.model.id, format: 'keras' }))
    const back = await tf.models.modelFromJSON(JSON.parse(keras.json).modelTopology)
    expect(back.countParams()).toBe(r.version.totalParams)
    back.dispose()
    const bad = await dispatch('models:importKeras', { json: '{"modelTopology": {"class_name": "Weird"}}' })
    expect(!bad.ok && bad.error.message).toMatch(/Keras import/)
    const notJson = await dispatch('models:importKeras', { json: '{nope' })
    expect(!notJson.ok && notJson.error.message).toMatch(/not valid JSON/)
  })

  it('deletes a model no run used; unknown ids are not_found; bad ids never reach the handler', async () => {
    const r = ok<ModelSaveResult>(await dispatch('models:save', { spec: templateGraph('xor', xor), name: 'temp' }))
    expect(ok<{ tombstone: boolean }>(await dispatch('models:delete', { modelId: r.model.id }))).toEqual({ modelId: r.model.id, tombstone: false })
    const gone = await dispatch('models:get', { modelId: r.model.id })
    expect(!gone.ok && gone.error.code).toBe('not_found')
    const bad = await dispatch('models:get', { modelId: '../etc/passwd' })
    expect(!bad.ok && bad.error.message).toMatch(/^models:get: modelId/)
    const v0 = await dispatch('models:export', { modelId: r.model.id, version: 0 })
    expect(!v0.ok && v0.error.message).toMatch(/version/)
  })
})

describe('lifecycle argument validation (dispatch)', () => {
  it('refuses bad ids, bad checkpoint ids, bad splits and malformed predict inputs before any handler runs', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['runs:pause', { runId: 'a/b' }, /runId/],
      ['runs:resumeFrom', { runId: 'r1', checkpointId: -1 }, /checkpointId/],
      ['runs:resumeFrom', { runId: 'r1', checkpointId: 1.5 }, /checkpointId/],
      ['runs:fork', { checkpointId: 'x' }, /checkpointId/],
      ['runs:fork', { checkpointId: 1, overrides: 'lr=1' }, /overrides/],
      ['runs:evaluate', { runId: 'r1', split: 'train' }, /split/],
      ['runs:predict', { runId: 'r1', input: { imagePng: '' } }, /input/],
      ['runs:predict', { runId: 'r1', input: { image: { shape: [2, 2], pixels: 'AA==' } } }, /input/],
      ['runs:exportCheckpoint', { checkpointId: 1, destDir: '' }, /destDir/],
      ['runs:distributions', { runId: 'r1', extra: 1 }, /extra|Unrecognized/i]
    ]
    for (const [channel, args, re] of cases) {
      const r = await dispatch(channel, args)
      expect(r.ok, channel).toBe(false)
      expect(!r.ok && r.error.code, channel).toBe('invalid_argument')
      expect(!r.ok && r.error.message, channel).toMatch(re)
    }
  })

  it('unknown runs and checkpoints are not_found with a specific message', async () => {
    const r = await dispatch('runs:evaluate', { runId: 'r-none', split: 'val' })
    expect(r).toEqual({ ok: false, error: { code: 'not_found', message: 'No run with id r-none.' } })
    const c = await dispatch('runs:exportCheckpoint', { checkpointId: 999999 })
    expect(!c.ok && c.error).toEqual({ code: 'not_found', message: 'No checkpoint 999999.' })
    const f = await dispatch('runs:fork', { checkpointId: 424242 })
    expect(!f.ok && f.error.code).toBe('not_found')
  })
})
