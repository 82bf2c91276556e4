/**
 * Where the studio keeps its data, and the one check that keeps every path inside it.
 * The default matches Electron's `app.getPath('userData')` for our app name, so the desktop app,
 * the CLI and the server share one data folder unless `--data-dir` says otherwise.
 */
import os from 'node:os'
import path from 'node:path'

export const APP_DIR_NAME = 'Training Studio'

/** The OS app-data folder for the studio (not created here). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.STUDIO_DATA_DIR) return path.resolve(env.STUDIO_DATA_DIR)
  const home = os.homedir()
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_DIR_NAME)
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_DIR_NAME)
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_DIR_NAME)
}

/** Thrown when a path would leave the folder it must stay in. */
export class PathEscapeError extends Error {
  readonly code = 'PATH_ESCAPE'
}

/**
 * Joins `parts` onto `base` and guarantees the result stays inside `base` (no `..`, no absolute
 * parts, no drive changes). Use for every path built from data that came from outside.
 */
export function resolveInside(base: string, ...parts: string[]): string {
  const root = path.resolve(base)
  const p = path.resolve(root, ...parts)
  const rel = path.relative(root, p)
  if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) return p
  throw new PathEscapeError(`path ${JSON.stringify(parts.join('/'))} leaves ${root}`)
}

/** The layout of a data folder. */
export function dataLayout(dataDir: string) {
  const root = path.resolve(dataDir)
  return {
    root,
    db: path.join(root, 'studio.db'),
    datasets: path.join(root, 'datasets'),
    runs: path.join(root, 'runs'),
    logs: path.join(root, 'logs')
  }
}
