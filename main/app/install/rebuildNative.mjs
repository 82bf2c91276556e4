// Builds better-sqlite3 a second time, for Electron's ABI, into build-electron/ next to the
// plain-Node build, so the desktop app (Electron) and the server/CLI/tests (plain Node) each load
// a binary made for them. Needs Electron's headers (a download): run where the internet is reachable.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, copyFileSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const req = createRequire(path.join(root, 'package.json'))
const electronVersion = JSON.parse(readFileSync(req.resolve('electron/package.json'), 'utf8')).version
const sqliteDir = path.dirname(req.resolve('better-sqlite3/package.json'))
const target = path.join(root, 'node_modules', '.studio-native', `electron-${electronVersion}`)

const { rebuild } = await import('@electron/rebuild')
const work = mkdtempSync(path.join(os.tmpdir(), 'studio-rebuild-'))
try {
  const copy = path.join(work, 'node_modules', 'better-sqlite3')
  mkdirSync(path.dirname(copy), { recursive: true })
  cpSync(sqliteDir, copy, { recursive: true, filter: (src) => !src.includes(`${path.sep}build${path.sep}`) })
  cpSync(path.join(root, 'package.json'), path.join(work, 'package.json'))
  await rebuild({ buildPath: work, electronVersion, onlyModules: ['better-sqlite3'], force: true })
  const built = path.join(copy, 'build', 'Release', 'better_sqlite3.node')
  if (!existsSync(built)) throw new Error(`rebuild produced no ${built}`)
  mkdirSync(target, { recursive: true })
  copyFileSync(built, path.join(target, 'better_sqlite3.node'))
  process.stdout.write(`better-sqlite3 for Electron ${electronVersion}: ${target}\n`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
