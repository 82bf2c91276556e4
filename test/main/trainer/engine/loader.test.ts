/**
 * Finding the native addon and falling back when it is missing: STUDIO_NO_NATIVE=1 and a broken
 * STUDIO_NATIVE_PATH give the portable path with the reason said, and training still works.
 */
import { existsSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { chooseEngine } from '../../../../main/trainer/engine/fit'
import { chooseKernels, resetKernelChoiceForTests, resolveThreads, threadsForConcurrency } from '../../../../main/trainer/engine/kernels'
import { addonCandidates, loadNativeAddon, nativeDir, resetNativeAddonForTests } from '../../../../main/trainer/native/loader'
import { buildCompiledModel } from '../../../../main/trainer/models'
import { tempDir } from '../../../helpers/tmp'

const saved = { ...process.env }

function reset(): void {
  resetNativeAddonForTests()
  resetKernelChoiceForTests()
}

beforeAll(async () => { await tf.setBackend('cpu') })
afterEach(() => {
  for (const k of ['STUDIO_NO_NATIVE', 'STUDIO_NATIVE_PATH', 'STUDIO_TRAINER_THREADS', 'STUDIO_ENGINE']) {
    if (saved[k] === undefined) delete process.env[k]
    else process.env[k] = saved[k]
  }
  reset()
})

function mlp(): tf.Sequential {
  return buildCompiledModel({ model: { template: 'mlp', hidden: [8] }, optimizer: 'adam', learningRate: 0.01, seed: 1 },
    { inputShape: [5], numClasses: 3, task: 'classification' }).model
}

describe('native addon loader', () => {
  it('finds the native folder from the source tree, and looks in build/ then prebuilds/<platform>-<arch>', () => {
    const dir = nativeDir()
    expect(dir).not.toBeNull()
    expect(dir!.endsWith(path.join('main', 'trainer', 'native'))).toBe(true)
    const c = addonCandidates(dir)
    expect(c.map((x) => x.source)).toEqual(['build', 'prebuild'])
    expect(c[1]!.file).toContain(path.join('prebuilds', `${process.platform}-${process.arch}`))
  })

  it('finds the native folder from the built trainer bundle location (out/main)', () => {
    const root = path.resolve(nativeDir()!, '..', '..', '..')
    expect(nativeDir(path.join(root, 'out', 'main'))).toBe(nativeDir())
  })

  it('STUDIO_NO_NATIVE=1: no addon, the WebAssembly kernels run, and the engine says why', () => {
    process.env['STUDIO_NO_NATIVE'] = '1'
    reset()
    const load = loadNativeAddon()
    expect(load.ok).toBe(false)
    if (!load.ok) expect(load.reason).toMatch(/STUDIO_NO_NATIVE/)
    const k = chooseKernels()
    expect(k.kernels.name).toBe('wasm-simd')
    const m = mlp()
    const c = chooseEngine(m, { batchSize: 4 })
    expect(c.id).toBe('studio-wasm-simd')
    expect(c.description).toMatch(/native kernels unavailable: disabled by STUDIO_NO_NATIVE/)
    const x = new Float32Array(20).fill(0.5)
    const y = new Float32Array(12)
    for (let i = 0; i < 4; i++) y[i * 3 + (i % 3)] = 1
    expect(Number.isFinite(c.engine!.trainBatch(x, y, null, 0, 4).loss)).toBe(true)
    m.dispose()
  })

  it('a broken addon file is refused with its error, and the next candidate or the portable path is used', () => {
    const tmp = tempDir('studio-addon-')
    const bad = path.join(tmp.dir, 'studio_kernels.node')
    writeFileSync(bad, 'not a shared object')
    process.env['STUDIO_NATIVE_PATH'] = bad
    reset()
    const load = loadNativeAddon()
    if (load.ok) {
      expect(load.source).not.toBe('env') // fell through to build/ or prebuilds/
    } else {
      expect(load.reason).toContain(bad)
    }
    expect(['native', 'wasm-simd']).toContain(chooseKernels().kernels.name)
    tmp.cleanup()
  })

  const shipped = path.join(nativeDir()!, 'prebuilds', `${process.platform}-${process.arch}`, 'studio_kernels.node')
  it.skipIf(!existsSync(shipped))('the prebuilt binary shipped for this platform loads and computes', () => {
    process.env['STUDIO_NATIVE_PATH'] = shipped
    reset()
    const load = loadNativeAddon()
    expect(load.ok, load.ok ? '' : load.reason).toBe(true)
    if (load.ok) expect(load.file).toBe(shipped)
  })

  it.skipIf(!loadNativeAddon().ok)('with the addon built here, the engine runs native and says so', () => {
    reset()
    const m = mlp()
    const c = chooseEngine(m, { batchSize: 4, threads: 1 })
    expect(c.id).toBe('studio-native')
    expect(c.description).toMatch(/native kernels \((avx2-fma|generic)\), 1 thread/)
    m.dispose()
  })

  it('STUDIO_ENGINE=tfjs keeps model.fit', () => {
    process.env['STUDIO_ENGINE'] = 'tfjs'
    const m = mlp()
    expect(chooseEngine(m, { batchSize: 4 }).engine).toBeNull()
    m.dispose()
  })
})

describe('threads', () => {
  it('N trainers share the cores without oversubscribing; the env setting wins and is clamped', () => {
    expect(threadsForConcurrency(1, 8)).toBe(8)
    expect(threadsForConcurrency(3, 8)).toBe(2)
    expect(threadsForConcurrency(16, 8)).toBe(1)
    process.env['STUDIO_TRAINER_THREADS'] = '1'
    expect(resolveThreads(4)).toBe(1)
    process.env['STUDIO_TRAINER_THREADS'] = '999'
    expect(resolveThreads()).toBeLessThanOrEqual(64)
    process.env['STUDIO_TRAINER_THREADS'] = '2'
    expect(resolveThreads(1)).toBe(1) // the run may ask for fewer than its budget
    delete process.env['STUDIO_TRAINER_THREADS']
    expect(resolveThreads(1)).toBe(1)
    expect(resolveThreads()).toBe(os.availableParallelism())
  })
})
