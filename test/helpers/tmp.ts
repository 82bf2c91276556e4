import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** A fresh temp folder per call; `cleanup()` removes it. Real files, real SQLite. */
export interface TempDir { dir: string; cleanup: () => void }

export function tempDir(prefix = 'studio-test-'): TempDir {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}
