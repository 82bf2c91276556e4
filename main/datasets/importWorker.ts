/**
 * Entry of the import worker thread: runs one inspect, import or resplit (importJob.ts) off
 * main's event loop and reports over the port. Main terminates the worker to cancel, then deletes
 * the job's folder, so a cancelled import leaves nothing behind.
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { ImportOptions } from '../../preload/contract/types'
import { inspect, type ResolvedInput } from './detect'
import { toImportErrorInfo } from './importError'
import { decodeShare, runJob, type JobRequest } from './importJob'
import type { WorkerReply, WorkerRequest } from './workerProtocol'

const port = parentPort!
const send = (m: WorkerReply) => port.postMessage(m)

let reuseAnswer: ((reuse: boolean) => void) | null = null
port.on('message', (m: { type: 'reuse'; reuse: boolean }) => {
  if (m.type === 'reuse' && reuseAnswer) { reuseAnswer(m.reuse); reuseAnswer = null }
})

async function main(req: WorkerRequest): Promise<void> {
  try {
    if (req.kind === 'decode') {
      await decodeShare(req, (done, skipped, final) => send({ type: 'decoded', done, skipped, final }))
      return
    }
    if (req.kind === 'inspect') {
      send({ type: 'inspected', result: await inspect(req.input as ResolvedInput, req.options as ImportOptions) })
      return
    }
    const result = await runJob(req as JobRequest, {
      progress: (p) => send({ type: 'progress', progress: p }),
      checkReuse: (key) => new Promise<boolean>((resolve) => { reuseAnswer = resolve; send({ type: 'key', key }) })
    })
    send({ type: 'done', result })
  } catch (e) {
    send({ type: 'error', error: toImportErrorInfo(e) })
  }
}

void main(workerData as WorkerRequest).finally(() => port.close())
