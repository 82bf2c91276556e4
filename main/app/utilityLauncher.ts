/**
 * Trainer processes inside the desktop app: Electron's utilityProcess.fork, a Node.js child that
 * Electron manages (it dies with the app and is reported by `child-process-gone`). Same entry file
 * and protocol as the headless child_process launcher.
 */
import { app, utilityProcess } from 'electron'
import type { ExitInfo, ExitKind, TrainerLauncher } from '../trainer/trainerHost'
import { TailBuffer, classifyExit } from '../trainer/trainerHost'

/** Reasons Electron reports for utility processes, by pid, until their exit handler reads them. */
const goneReasons = new Map<number, ExitKind>()
let listening = false

function listenForGone(): void {
  if (listening) return
  listening = true
  app.on('child-process-gone', (_e, details) => {
    if (details.type !== 'Utility') return
    const pid = (details as { pid?: number }).pid
    const reason = details.reason as string
    const kind: ExitKind = reason === 'oom' ? 'oom' : reason === 'killed' ? 'killed' : reason === 'crashed' ? 'crashed'
      : reason === 'launch-failed' ? 'launch-failed' : reason === 'clean-exit' ? 'clean-exit' : 'abnormal-exit'
    if (pid !== undefined) goneReasons.set(pid, kind)
  })
}

export const utilityLauncher: TrainerLauncher = {
  kind: 'utility-process',
  launch(entry, options) {
    listenForGone()
    const tail = new TailBuffer()
    const child = utilityProcess.fork(entry, [], {
      serviceName: `Training Studio trainer ${options.name}`,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...options.env, STUDIO_TRAINER: '1' } as Record<string, string>
    })
    const pid = child.pid
    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (d: string) => tail.push(d))
    const exitListeners: ((i: ExitInfo) => void)[] = []
    let exited = false
    child.on('exit', (code) => {
      // child-process-gone may arrive just after exit: give it a moment to say why.
      setTimeout(() => {
        if (exited) return
        exited = true
        const known = pid !== undefined ? goneReasons.get(pid) : undefined
        if (pid !== undefined) goneReasons.delete(pid)
        const kind = known && known !== 'clean-exit' ? known : classifyExit(code, null, tail.toString())
        for (const l of exitListeners) l({ kind, code, signal: null, stderrTail: tail.toString() })
      }, 50)
    })
    return {
      get pid() { return child.pid },
      send(m) { child.postMessage(m) },
      onMessage(l) { child.on('message', l) },
      onExit(l) { exitListeners.push(l) },
      kill() { child.kill() }
    }
  }
}
