// Tolerant postinstall: never fails `npm install`. Tries the two optional downloads that the
// desktop app needs (the Electron binary; better-sqlite3 rebuilt for Electron's ABI) and says in one
// line what happened. Runs under plain Node; see ./README.md.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const req = createRequire(path.join(root, 'package.json'))

function say(msg) {
  process.stdout.write(`[training-studio] ${msg}\n`)
}

function electronDir() {
  try {
    return path.dirname(req.resolve('electron/package.json'))
  } catch {
    return null
  }
}

function tryElectronBinary() {
  const dir = electronDir()
  if (!dir) return { ok: false, why: 'the electron package is not installed' }
  if (existsSync(path.join(dir, 'path.txt'))) return { ok: true }
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return { ok: false, why: 'ELECTRON_SKIP_BINARY_DOWNLOAD is set' }
  const r = spawnSync(process.execPath, [path.join(dir, 'install.js')], {
    cwd: dir, encoding: 'utf8', timeout: 180_000
  })
  if (r.status === 0 && existsSync(path.join(dir, 'path.txt'))) return { ok: true }
  const lines = `${r.stderr ?? ''}\n${r.stdout ?? ''}`.split('\n').map((l) => l.trim()).filter(Boolean)
  const err = lines.find((l) => /error|ENOTFOUND|ECONN|EAI_AGAIN|timed out/i.test(l) && !l.startsWith('at ')) ?? lines[0] ?? `exit ${r.status}`
  return { ok: false, why: err.slice(0, 200) }
}

function tryRebuildSqliteForElectron() {
  const r = spawnSync(process.execPath, [path.join(root, 'main/app/install/rebuildNative.mjs')], {
    cwd: root, encoding: 'utf8', timeout: 600_000, stdio: ['ignore', 'pipe', 'pipe']
  })
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').filter(Boolean).pop() ?? ''
  return { ok: r.status === 0, why: out.slice(0, 200) }
}

// The training engine's native kernels (main/trainer/native, Node-API so one build serves Node and
// Electron). Built with the node-gyp that ships inside npm (npm hands its path to scripts as
// npm_config_node_gyp) rather than a devDependency: nothing to download, and it is the same
// node-gyp `npm rebuild` would use. Without a C++ toolchain or Node headers this fails, the
// trainer then loads a prebuild (prebuilds/<platform>-<arch>) or runs its portable kernels.
function nodeGypPath() {
  const fromNpm = process.env.npm_config_node_gyp
  if (fromNpm && existsSync(fromNpm)) return fromNpm
  const execPath = process.env.npm_execpath
  if (execPath) {
    const cand = path.join(path.dirname(execPath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')
    if (existsSync(cand)) return cand
  }
  const beside = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')
  return existsSync(beside) ? beside : null
}

function tryBuildNativeKernels() {
  const dir = path.join(root, 'main/trainer/native')
  if (!existsSync(path.join(dir, 'binding.gyp'))) return { ok: false, why: 'sources not present' }
  if (process.env.STUDIO_SKIP_NATIVE_BUILD) return { ok: false, why: 'STUDIO_SKIP_NATIVE_BUILD is set' }
  const gyp = nodeGypPath()
  if (!gyp) return { ok: false, why: 'node-gyp not found' }
  const r = spawnSync(process.execPath, [gyp, 'rebuild', '--directory', dir], {
    cwd: root, encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'pipe']
  })
  if (r.status === 0 && existsSync(path.join(dir, 'build', 'Release', 'studio_kernels.node'))) return { ok: true }
  const lines = `${r.stderr ?? ''}\n${r.stdout ?? ''}`.split('\n').map((l) => l.trim()).filter(Boolean)
  const err = lines.find((l) => /error|not found|ENOTFOUND|EAI_AGAIN/i.test(l)) ?? lines[lines.length - 1] ?? (r.error ? String(r.error.message) : `exit ${r.status}`)
  return { ok: false, why: err.slice(0, 200) }
}

try {
  const nk = tryBuildNativeKernels()
  const platformDir = path.join(root, 'main/trainer/native/prebuilds', `${process.platform}-${process.arch}`)
  say(nk.ok ? 'native training kernels built (main/trainer/native).' :
    existsSync(platformDir) ? `native training kernels not built (${nk.why}); the prebuilt ones for ${process.platform}-${process.arch} will be used.` :
      `native training kernels not built (${nk.why}); training uses the portable WebAssembly kernels (slower).`)
} catch (e) {
  say(`native kernel build skipped: ${e instanceof Error ? e.message : String(e)}`)
}

try {
  const bin = tryElectronBinary()
  if (!bin.ok) {
    say(`Electron binary not available (${bin.why}). 'npm start' will open browser mode instead of the desktop window.`)
  } else {
    const nat = tryRebuildSqliteForElectron()
    say(nat.ok ? 'Electron binary present; better-sqlite3 rebuilt for Electron.' :
      `Electron binary present, but better-sqlite3 could not be rebuilt for Electron (${nat.why}). Run 'node main/app/install/rebuildNative.mjs' when online.`)
  }
} catch (e) {
  say(`postinstall skipped: ${e instanceof Error ? e.message : String(e)}`)
}
process.exit(0)
