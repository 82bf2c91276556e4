/**
 * The data folder's owner (main/common/dataDirLock.ts): only the owning process recovers runs left
 * `running`, so a second process on the same folder (`studio runs` while `studio serve` trains)
 * does not fail the owner's live runs. Real processes (a sleeping child holds the lock), real SQLite.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { acquireDataDirLock, LOCK_FILE } from '../../../main/common/dataDirLock'
import { openTestCore } from '../../helpers/core'
import { tempDir } from '../../helpers/tmp'

const procs: ChildProcess[] = []
afterEach(() => { for (const p of procs.splice(0)) p.kill('SIGKILL') })

function sleeper(): ChildProcess {
  const p = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' })
  procs.push(p)
  return p
}

describe('data folder lock', () => {
  it('is taken when free or stale, refused while another live process holds it, released on close', async () => {
    const t = tempDir()
    try {
      const a = acquireDataDirLock(t.dir)
      expect(a.owned).toBe(true)
      expect(JSON.parse(readFileSync(path.join(t.dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid)
      expect(acquireDataDirLock(t.dir).owned).toBe(true) // the same process again
      a.release()
      expect(existsSync(path.join(t.dir, LOCK_FILE))).toBe(false)

      const live = sleeper()
      writeFileSync(path.join(t.dir, LOCK_FILE), JSON.stringify({ pid: live.pid, startedAt: Date.now() }))
      const b = acquireDataDirLock(t.dir)
      expect(b).toMatchObject({ owned: false, holder: live.pid })
      b.release() // not ours: leaves the file
      expect(existsSync(path.join(t.dir, LOCK_FILE))).toBe(true)

      live.kill('SIGKILL')
      await new Promise((r) => live.once('exit', r))
      expect(acquireDataDirLock(t.dir).owned).toBe(true) // stale holder: taken over
    } finally {
      t.cleanup()
    }
  })

  it('a studio opened on a folder another live process owns leaves its running runs alone; the owner recovers them', async () => {
    const t = tempDir()
    try {
      const first = openTestCore(t.dir)
      const now = Date.now()
      first.runs.create({ id: 'r-live', name: 'live', config: { datasetId: 'xor', model: { template: 'mlp' }, optimizer: 'adam', learningRate: 0.01, batchSize: 4, epochs: 1, seed: 1, backend: 'auto' }, model: 'mlp', runDir: path.join(t.dir, 'runs', 'r-live'), createdAt: now })
      first.runs.markRunning('r-live', now)
      await first.close()

      const owner = sleeper() // stands for the server process that trains r-live
      writeFileSync(path.join(t.dir, LOCK_FILE), JSON.stringify({ pid: owner.pid, startedAt: Date.now() }))
      const second = openTestCore(t.dir)
      expect(second.summary('r-live').status).toBe('running')
      await second.close()

      owner.kill('SIGKILL')
      await new Promise((r) => owner.once('exit', r))
      const third = openTestCore(t.dir) // the owner is gone: a crash; recovery runs
      expect(third.summary('r-live').status).toBe('failed')
      await third.close()
    } finally {
      t.cleanup()
    }
  })
})
