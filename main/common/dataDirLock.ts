/**
 * Which process owns a studio data folder's runs in progress. The app, `studio serve` and
 * `studio train` each open the same SQLite file (WAL: several processes may); only the owner may
 * mark runs that were left `running` as failed at start-up (recovery after a crash). Without this,
 * `studio runs` in a terminal while the server trains would fail the server's live runs.
 *
 * The lock is `studio.pid` in the data folder: {pid, startedAt}. A holder that no longer exists
 * (crash, kill -9) is stale and taken over. Never throws: an unwritable folder means "not owned".
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export const LOCK_FILE = 'studio.pid'

export interface DataDirLock {
  /** This process owns the folder (it recovers interrupted runs). */
  readonly owned: boolean
  /** The live process that owns it, when another does. */
  readonly holder: number | null
  /** Gives the folder up (only when owned). Idempotent. */
  release(): void
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export function acquireDataDirLock(root: string): DataDirLock {
  const file = path.join(root, LOCK_FILE)
  try {
    const held = JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown }
    const pid = typeof held.pid === 'number' ? held.pid : NaN
    if (Number.isInteger(pid) && pid !== process.pid && alive(pid)) {
      return { owned: false, holder: pid, release: () => {} }
    }
  } catch { /* no lock, or unreadable: take it */ }
  try {
    writeFileSync(file, JSON.stringify({ pid: process.pid, startedAt: Date.now() }))
  } catch {
    return { owned: false, holder: null, release: () => {} }
  }
  let released = false
  return {
    owned: true,
    holder: null,
    release: () => {
      if (released) return
      released = true
      try {
        const held = JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown }
        if (held.pid === process.pid) rmSync(file, { force: true })
      } catch { /* already gone */ }
    }
  }
}
