/**
 * The trainer entry as a real child process (child_process.fork, run from the TypeScript source
 * through tsx so the test does not depend on a build): the protocol as the host sees it.
 */
import { describe, expect, it } from 'vitest'
import { fork, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { PROTOCOL_VERSION, isTrainerMessage, type TrainerMessage } from '../../../main/trainer/protocol'
import { runDir, sample, suggestedConfig } from './trainHelpers'

const entry = path.resolve(__dirname, '../../../main/trainer/entry.ts')

interface Child { proc: ChildProcess; messages: TrainerMessage[]; stderr: string[]; exit: Promise<number | null>; next(type: TrainerMessage['type']): Promise<TrainerMessage> }

function start(): Child {
  const proc = fork(entry, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] })
  const messages: TrainerMessage[] = []
  const stderr: string[] = []
  const waiters: Array<{ type: string; resolve: (m: TrainerMessage) => void }> = []
  proc.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()))
  proc.on('message', (m) => {
    if (!isTrainerMessage(m)) throw new Error(`not a trainer message: ${JSON.stringify(m)}`)
    messages.push(m)
    for (const w of waiters.splice(0)) (w.type === m.type ? w.resolve(m) : waiters.push(w))
  })
  const exit = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)))
  return {
    proc, messages, stderr, exit,
    next: (type) => {
      const seen = messages.find((m) => m.type === type)
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ type, resolve }))
    }
  }
}

describe('trainer process (child_process.fork)', () => {
  it('ready → start → backend, metrics, checkpoints, done → exit 0', async () => {
    const s = sample('xor')
    const c = start()
    const ready = await c.next('ready')
    expect(ready).toMatchObject({ v: PROTOCOL_VERSION, type: 'ready', pid: c.proc.pid })
    c.proc.send({ v: PROTOCOL_VERSION, type: 'start', runId: 'p1', config: suggestedConfig(s, { epochs: 20 }), datasetDir: s.dir, runDir: runDir() })
    expect(await c.exit).toBe(0)
    const types = c.messages.map((m) => m.type)
    expect(types[0]).toBe('ready')
    expect(types[1]).toBe('backend')
    expect(types.at(-1)).toBe('done')
    expect(types.filter((t) => t === 'checkpoint')).toHaveLength(20)
    expect(c.messages.at(-1)).toMatchObject({ status: 'completed', epochsDone: 20, steps: 20 })
    // The backend says what it is and, on wasm/cpu, how to get a faster one.
    const backend = c.messages[1] as Extract<TrainerMessage, { type: 'backend' }>
    expect(backend.paramCount).toBe(42)
    if (backend.backend.name === 'wasm' || backend.backend.name === 'cpu') expect(backend.backend.fallbackReason).toMatch(/npm install @tensorflow\/tfjs-node/)
  })

  it('stop during training ends with done "stopped" and exit 0', async () => {
    const s = sample('spirals')
    const c = start()
    await c.next('ready')
    c.proc.send({ v: PROTOCOL_VERSION, type: 'start', runId: 'p2', config: suggestedConfig(s, { batchSize: 4, epochs: 10_000 }), datasetDir: s.dir, runDir: runDir() })
    await c.next('metrics')
    const t0 = Date.now()
    c.proc.send({ v: PROTOCOL_VERSION, type: 'stop' })
    expect(await c.exit).toBe(0)
    console.info(`stop → exit in ${Date.now() - t0} ms`)
    expect(c.messages.at(-1)).toMatchObject({ type: 'done', status: 'stopped' })
    expect((c.messages.at(-1) as Extract<TrainerMessage, { type: 'done' }>).epochsDone).toBeLessThan(10_000)
  })

  it('a message of another protocol version → error bad_message, exit 1', async () => {
    const c = start()
    await c.next('ready')
    c.proc.send({ v: 99, type: 'start' })
    expect(await c.exit).toBe(1)
    expect(c.messages.at(-1)).toMatchObject({ type: 'error', code: 'bad_message', message: expect.stringMatching(/version 99/) })
  })

  it('a dataset that is not there → error dataset, exit 1', async () => {
    const s = sample('iris')
    const c = start()
    await c.next('ready')
    c.proc.send({ v: PROTOCOL_VERSION, type: 'start', runId: 'p4', config: suggestedConfig(s), datasetDir: path.join(runDir(), 'missing'), runDir: runDir() })
    expect(await c.exit).toBe(1)
    expect(c.messages.at(-1)).toMatchObject({ type: 'error', code: 'dataset', message: expect.stringMatching(/header\.json: missing/) })
  })

  it('stop before start → done "stopped" with nothing trained, exit 0', async () => {
    const c = start()
    await c.next('ready')
    c.proc.send({ v: PROTOCOL_VERSION, type: 'stop' })
    expect(await c.exit).toBe(0)
    expect(c.messages.at(-1)).toMatchObject({ type: 'done', status: 'stopped', epochsDone: 0, steps: 0 })
  })
})
