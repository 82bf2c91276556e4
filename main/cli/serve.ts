/**
 * Runs browser mode until interrupted: opens the core headless, starts the server on 127.0.0.1,
 * prints the URL with its token, and shuts everything down cleanly on Ctrl+C / SIGTERM.
 */
import { existsSync } from 'node:fs'
import { attachLogFile } from '../common/logger'
import { dataLayout, defaultDataDir } from '../common/paths'
import { startServer, type RunningServer } from '../server/server'
import { builtPaths, openHeadlessCore } from './context'
import { writeServerFile } from './lifecycleCmds'

export interface ServeOptions {
  dataDir?: string | undefined
  port?: number
  /** Printed before the URL, e.g. why the desktop window is not used. */
  banner?: string
}

/** Starts browser mode; resolves with the running server (the process stays up until a signal). */
export async function serve(entryUrl: string, o: ServeOptions = {}): Promise<RunningServer> {
  const dataDir = o.dataDir ?? defaultDataDir()
  attachLogFile(dataLayout(dataDir).logs)
  const p = builtPaths(entryUrl)
  if (!existsSync(p.rendererDir)) throw new Error(`The renderer is not built (${p.rendererDir} missing): run "npm run build" first.`)
  const core = openHeadlessCore(entryUrl, dataDir, 'browser')
  const server = await startServer({ core, staticDir: p.rendererDir, ...(o.port !== undefined ? { port: o.port } : {}) })
  // HPO studies interrupted by a crash or Ctrl+C continue where they were (issue 5).
  core.hpo.continueInterrupted()
  // `studio runs pause|resume` in another terminal finds this server here (issue 4).
  const removeServerFile = writeServerFile(core.layout.root, { pid: process.pid, port: server.port, token: server.token, startedAt: Date.now() })
  if (o.banner) process.stdout.write(`${o.banner}\n`)
  process.stdout.write(`Training Studio (browser mode) on ${server.url}\nData folder: ${core.layout.root}\nPress Ctrl+C to stop.\n`)
  let closing = false
  const shutdown = () => {
    if (closing) return
    closing = true
    removeServerFile()
    void server.close().then(() => core.close()).finally(() => process.exit(0))
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
  return server
}
