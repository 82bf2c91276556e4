/**
 * Where the built pieces are, seen from a bundle in out/main/, and how to open the core headless.
 * Shared by the CLI, the server and the `npm start` launcher.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { defaultDataDir } from '../common/paths'
import { nodeLauncher } from '../trainer/trainerHost'
import { StudioCore, readVersion } from '../services/studio'
import type { AppInfo } from '../../preload/contract/types'

/** Paths of the built app, from the folder of the running entry bundle (out/main). */
export function builtPaths(entryUrl: string) {
  const mainDir = path.dirname(fileURLToPath(entryUrl))
  const root = path.resolve(mainDir, '..', '..')
  return {
    root,
    trainerEntry: path.join(mainDir, 'trainer.js'),
    rendererDir: path.resolve(mainDir, '..', 'renderer'),
    preload: path.resolve(mainDir, '..', 'preload', 'index.cjs'),
    samplesDir: path.join(root, 'resources', 'samples')
  }
}

/** Opens the core for plain Node (CLI, server): child-process trainers. */
export function openHeadlessCore(entryUrl: string, dataDir: string | undefined, mode: AppInfo['mode'] = 'browser'): StudioCore {
  const p = builtPaths(entryUrl)
  return StudioCore.open({
    dataDir: dataDir ?? defaultDataDir(),
    trainerEntry: p.trainerEntry,
    launcher: nodeLauncher,
    mode,
    version: readVersion(p.root),
    samplesDir: p.samplesDir
  })
}
