/**
 * `npm start`: opens the desktop window when the Electron binary is installed and can start;
 * otherwise prints one line saying why and serves browser mode instead, printing its URL.
 * Runs under plain Node (it only asks the electron package where its binary is).
 */
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import path from 'node:path'
import { builtPaths } from '../cli/context'
import { serve } from '../cli/serve'

const nodeRequire = createRequire(import.meta.url)
const paths = builtPaths(import.meta.url)
const passThrough = process.argv.slice(2)

function electronBinary(): { path: string } | { why: string } {
  try {
    // In plain Node the electron package exports the binary's path, and throws when it is missing.
    const p = nodeRequire('electron') as unknown
    if (typeof p === 'string') return { path: p }
    return { why: 'the electron package did not return a binary path' }
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e)
    return {
      why: `the Electron binary is not installed — its download failed or was skipped at npm install (${msg}). ` +
        'With internet access, run "node node_modules/electron/install.js" to get it'
    }
  }
}

function dataDirArg(): string | undefined {
  const i = passThrough.indexOf('--data-dir')
  return i >= 0 ? passThrough[i + 1] : undefined
}

async function browserMode(why: string): Promise<void> {
  await serve(import.meta.url, {
    dataDir: dataDirArg(),
    banner: `Desktop window unavailable: ${why}. Opening browser mode instead — open the URL below.`
  })
}

const bin = electronBinary()
if ('why' in bin) {
  await browserMode(bin.why)
} else if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  await browserMode('no display (DISPLAY and WAYLAND_DISPLAY are unset)')
} else {
  const started = Date.now()
  const child = spawn(bin.path, [paths.root, ...passThrough], { stdio: 'inherit' })
  child.on('error', (e) => { void browserMode(`Electron could not start (${e.message})`) })
  child.on('exit', (code, signal) => {
    // A window that dies at once (missing system libraries, no GPU process) falls back too.
    if (code !== 0 && Date.now() - started < 5000) {
      void browserMode(`Electron exited at start-up (${signal ?? `code ${code}`})`)
    } else {
      process.exit(code ?? 0)
    }
  })
}
