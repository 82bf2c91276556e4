import { describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs'
import { createRequire } from 'node:module'
import { fasterBackendHint, probeBackend, selectBackend, wasmDistDir } from '../../../main/trainer/backend'

// Where neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node installed (their libtensorflow
// download needs the internet, as on our build machines), wasm is the best backend; elsewhere the
// native one must win. Each test asserts whichever situation this machine is in.
const nodeRequire = createRequire(import.meta.url)
const nativeInstalled = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'].some((p) => {
  try { nodeRequire.resolve(p); return true } catch { return false }
})

describe('backend selection', () => {
  it('probeBackend names the best installed backend and says how to get a faster one', () => {
    const info = probeBackend()
    if (nativeInstalled) {
      expect(['tensorflow-gpu', 'tensorflow']).toContain(info.name)
      return
    }
    expect(info.name).toBe('wasm')
    expect(info.device).toMatch(/WebAssembly/)
    expect(info.fallbackReason).toMatch(/npm install @tensorflow\/tfjs-node-gpu/)
    expect(info.fallbackReason).toMatch(/CUDA 11\.2 and cuDNN 8\.1/)
    expect(info.fallbackReason).toMatch(/npm install @tensorflow\/tfjs-node`/)
    expect(probeBackend('cpu')).toEqual({ name: 'cpu', device: expect.any(String) })
    expect(probeBackend('tensorflow').name).toBe('wasm')
    expect(probeBackend('tensorflow').fallbackReason).toMatch(/@tensorflow\/tfjs-node is not installed/)
    expect(wasmDistDir()).toMatch(/tfjs-backend-wasm[\\/]dist$/)
  })

  it('selectBackend("auto") activates the best backend (wasm here) with the conv filter gradient', async () => {
    const info = await selectBackend('auto')
    if (nativeInstalled) {
      expect(tf.getBackend()).toBe('tensorflow')
      return
    }
    expect(info).toMatchObject({ name: 'wasm' })
    expect(tf.getBackend()).toBe('wasm')
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined()
    expect(info.fallbackReason).toBe(probeBackend('auto').fallbackReason)
  })

  it('a preferred backend that is missing falls back and says why', async () => {
    const info = await selectBackend('tensorflow-gpu')
    if (nativeInstalled) return expect(['tensorflow-gpu', 'tensorflow']).toContain(info.name)
    expect(info.name).toBe('wasm')
    expect(info.fallbackReason).toMatch(/tfjs-node-gpu is not installed/)
  })

  it('an explicit cpu choice is honoured without a fallback reason', async () => {
    const info = await selectBackend('cpu')
    expect(info).toEqual({ name: 'cpu', device: expect.stringMatching(/JavaScript/) })
    expect(tf.getBackend()).toBe('cpu')
    await selectBackend('wasm')
    expect(tf.getBackend()).toBe('wasm')
  })

  it('fasterBackendHint points one step up', () => {
    expect(fasterBackendHint('tensorflow-gpu')).toBeNull()
    expect(fasterBackendHint('tensorflow')).toMatch(/tfjs-node-gpu/)
    expect(fasterBackendHint('wasm')).toMatch(/npm install @tensorflow\/tfjs-node`/)
  })
})
