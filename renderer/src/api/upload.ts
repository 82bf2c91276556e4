/**
 * Browser mode: sends a drop's files to `POST /upload` with XMLHttpRequest (fetch reports no
 * upload progress) and returns the upload id for `datasets:inspect` / `datasets:import`.
 * The orchestration (limits, first file alone, lanes, progress, cancel) is lib/upload.ts.
 */
import type { Envelope } from '@contract/channels'
import type { UploadResult } from '@contract/types'
import { uploadAll, uploadUrl, type UploadProgress } from '@renderer/lib/upload'
import { uploadTarget } from './bridge'

/** A file of the drop with its path relative to what was dropped ("pets/cats/001.png"). */
export interface DroppedFile {
  file: File
  path: string
  size: number
}

/** Why one file's upload failed: the server's message when it sent one. */
export class UploadError extends Error {
  override readonly name = 'UploadError'
  constructor(message: string, readonly path: string, readonly status: number) { super(message) }
}

function sendOne(base: string, token: string) {
  return (item: DroppedFile, uploadId: string | undefined, onBytes: (n: number) => void, signal: AbortSignal): Promise<string> =>
    new Promise<string>((resolve, reject) => {
      const xhr = new XMLHttpRequest()
      xhr.open('POST', uploadUrl(base, token, item.path, uploadId))
      xhr.responseType = 'text'
      xhr.upload.onprogress = (e) => onBytes(e.loaded)
      const onAbort = (): void => xhr.abort()
      signal.addEventListener('abort', onAbort, { once: true })
      const done = (): void => signal.removeEventListener('abort', onAbort)
      xhr.onload = () => {
        done()
        let env: Envelope<UploadResult> | null = null
        try { env = JSON.parse(xhr.responseText) as Envelope<UploadResult> } catch { /* not JSON: status below */ }
        if (env && env.ok) resolve(env.value.uploadId)
        else reject(new UploadError(env && !env.ok ? env.error.message : `HTTP ${xhr.status} ${xhr.statusText}`, item.path, xhr.status))
      }
      xhr.onerror = () => { done(); reject(new UploadError('the connection to the studio server failed', item.path, 0)) }
      xhr.onabort = () => { done(); reject(new UploadError('aborted', item.path, 0)) }
      xhr.send(item.file)
    })
}

/** Uploads every file; rejects with UploadCancelled on abort, UploadError on a refusal. */
export function uploadFiles(files: readonly DroppedFile[], onProgress: (p: UploadProgress) => void, signal: AbortSignal): Promise<string> {
  const target = uploadTarget()
  if (!target) return Promise.reject(new Error('Uploads exist only in browser mode.'))
  return uploadAll(files, { send: sendOne(target.base, target.token), onProgress, signal, concurrency: 3 })
}
