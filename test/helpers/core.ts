import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { StudioCore } from '../../main/services/studio'
import { nodeLauncher } from '../../main/trainer/trainerHost'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const trainerEntry = path.join(repoRoot, 'out', 'main', 'trainer.js')

/** A real core on a real data folder with real trainer processes (the built out/main/trainer.js). */
export function openTestCore(dataDir: string): StudioCore {
  if (!existsSync(trainerEntry)) {
    throw new Error(`${trainerEntry} is missing: run "npm run build" first (npm test does it in pretest)`)
  }
  return StudioCore.open({
    dataDir, trainerEntry, launcher: nodeLauncher, mode: 'browser', version: 'test',
    samplesDir: path.join(repoRoot, 'resources', 'samples')
  })
}
