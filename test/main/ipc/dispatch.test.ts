import { describe, expect, it } from 'vitest'
import { createDispatcher } from '../../../main/ipc/dispatch'
import { StudioError } from '../../../main/services/errors'
import type { Handlers } from '../../../main/services/studio'

const calls: unknown[] = []
const handlers = {
  'app:info': () => ({ version: '1' }),
  'runs:get': ({ runId }: { runId: string }) => { throw new StudioError('not_found', `No run with id ${runId}.`) },
  'runs:list': () => { throw new Error('disk on fire') },
  'runs:start': (a: unknown) => { calls.push(a); return { id: 'r' } }
} as unknown as Handlers

describe('dispatch', () => {
  const dispatch = createDispatcher(handlers)

  it('refuses channels outside the allow-list', async () => {
    expect(await dispatch('fs:readFile', {})).toEqual({ ok: false, error: { code: 'invalid_argument', message: 'Unknown channel "fs:readFile".' } })
    expect((await dispatch(42, {})).ok).toBe(false)
  })

  it('validates arguments and names the offending field', async () => {
    const r = await dispatch('runs:start', { config: { datasetId: 'xor', model: { template: 'mlp' }, optimizer: 'adam', learningRate: -1, batchSize: 4, epochs: 1, seed: 0 } })
    expect(r.ok).toBe(false)
    expect(!r.ok && r.error.code).toBe('invalid_argument')
    expect(!r.ok && r.error.message).toMatch(/config\.learningRate/)
    expect(calls).toHaveLength(0)
  })

  it('refuses extra keys and path-like ids', async () => {
    expect((await dispatch('runs:get', { runId: 'r1', extra: true })).ok).toBe(false)
    const r = await dispatch('runs:get', { runId: '../../etc' })
    expect(!r.ok && r.error.message).toMatch(/runId/)
  })

  it('passes validated arguments with defaults applied', async () => {
    const r = await dispatch('runs:start', { config: { datasetId: 'xor', model: { template: 'mlp' }, optimizer: 'adam', learningRate: 0.1, batchSize: 4, epochs: 1, seed: 0 } })
    expect(r).toEqual({ ok: true, value: { id: 'r' } })
    expect((calls[0] as { config: { backend: string } }).config.backend).toBe('auto')
  })

  it('turns StudioError into its code and other errors into internal without a stack', async () => {
    expect(await dispatch('runs:get', { runId: 'r9' })).toEqual({ ok: false, error: { code: 'not_found', message: 'No run with id r9.' } })
    const r = await dispatch('runs:list', {})
    expect(r).toEqual({ ok: false, error: { code: 'internal', message: 'runs:list failed: disk on fire' } })
  })
})
