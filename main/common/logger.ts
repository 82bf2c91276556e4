/**
 * The logger: one line per event on stderr (and, once `attachLogFile` ran, in the data folder's
 * log), so shipped code never uses console.log and stdout stays free for CLI output.
 */
import { appendFileSync, mkdirSync } from 'node:fs'
import path from 'node:path'

export type Level = 'debug' | 'info' | 'warn' | 'error'
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 }

let minLevel: Level = (process.env.STUDIO_LOG_LEVEL as Level | undefined) ?? 'info'
let logFile: string | null = null
let quietStderr = false

/** Sets the lowest level written. */
export function setLogLevel(level: Level): void { minLevel = level }

/** Also appends every line to `<dir>/studio.log`; `quiet` stops stderr output (CLI progress bars). */
export function attachLogFile(dir: string, quiet = false): void {
  mkdirSync(dir, { recursive: true })
  logFile = path.join(dir, 'studio.log')
  quietStderr = quiet
}

function write(level: Level, scope: string, msg: string, extra?: unknown): void {
  if (ORDER[level] < ORDER[minLevel]) return
  const tail = extra === undefined ? '' : ` ${extra instanceof Error ? extra.stack ?? extra.message : JSON.stringify(extra)}`
  const line = `${new Date().toISOString()} ${level.toUpperCase()} [${scope}] ${msg}${tail}\n`
  if (!quietStderr) process.stderr.write(line)
  if (logFile) {
    try { appendFileSync(logFile, line) } catch { /* a full disk must not take the app down */ }
  }
}

/** A logger bound to a scope name ("server", "trainer-host", …). */
export function createLogger(scope: string) {
  return {
    debug: (m: string, x?: unknown) => write('debug', scope, m, x),
    info: (m: string, x?: unknown) => write('info', scope, m, x),
    warn: (m: string, x?: unknown) => write('warn', scope, m, x),
    error: (m: string, x?: unknown) => write('error', scope, m, x)
  }
}
export type Logger = ReturnType<typeof createLogger>
