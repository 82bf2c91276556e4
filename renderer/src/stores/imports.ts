/**
 * Dataset import, from drop to dataset: reading the drop, uploading it (browser mode), inspecting,
 * the dialog's review, and the import job with its progress. Also every running import or resplit
 * job (for the top bar's jobs indicator), kept live from `datasets:didImportProgress` / `…End`,
 * so closing the dialog never loses a job.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { ImportEnd, ImportErrorInfo, ImportOptions, ImportProgress, ImportWarning, InspectResult } from '@contract/types'
import { api, ApiError, errorMessage } from '@renderer/api/client'
import { uploadFiles, UploadError } from '@renderer/api/upload'
import type { ImportInput } from '@renderer/composables/dropFiles'
import { checkUpload, UploadCancelled, type UploadProgress } from '@renderer/lib/upload'
import { t } from '@renderer/i18n'
import { useToasts } from './toasts'
import { useDatasets } from './datasets'

export type ImportStage = 'closed' | 'reading' | 'uploading' | 'inspecting' | 'review' | 'importing' | 'done' | 'failed'

/** A problem the dialog shows: a typed import error from the backend, or a request that failed. */
export type ImportFailure =
  | { kind: 'import'; error: ImportErrorInfo; warnings: ImportWarning[] }
  | {
    kind: 'request'; code: string; message: string; step: 'read' | 'upload' | 'inspect' | 'import'
    /** An importer's sentence key and values (inspect failures), for saying it in the UI's language. */
    key?: string; params?: Record<string, string | number>
  }

/** A job as the jobs indicator lists it. */
export interface JobView {
  jobId: string
  kind: 'import' | 'resplit'
  name: string
  startedAt: number
  progress: ImportProgress | null
}

export const useImports = defineStore('imports', () => {
  const stage = ref<ImportStage>('closed')
  const label = ref('')
  const source = shallowRef<{ paths?: string[]; uploadId?: string } | null>(null)
  const upload = shallowRef<UploadProgress | null>(null)
  const inspect = shallowRef<InspectResult | null>(null)
  const inspecting = ref(false)
  const jobId = ref<string | null>(null)
  const end = shallowRef<ImportEnd | null>(null)
  const failure = shallowRef<ImportFailure | null>(null)
  /** Running jobs by id (import and resplit). */
  const jobs = shallowRef<Map<string, JobView>>(new Map())
  /** Ends that arrived before `datasets:import` answered with their job id. */
  const earlyEnds = new Map<string, ImportEnd>()
  /** The name the person gave in the dialog (for the toast). */
  let importName = ''
  let uploadAbort: AbortController | null = null
  let subscribed = false
  /** Called with the new dataset's id when the dialog's own import succeeds (the view navigates). */
  let onImported: ((datasetId: string) => void) | null = null

  const currentProgress = computed(() => (jobId.value ? jobs.value.get(jobId.value)?.progress ?? null : null))
  const jobList = computed(() => [...jobs.value.values()].sort((a, b) => a.startedAt - b.startedAt))
  const busy = computed(() => stage.value === 'reading' || stage.value === 'uploading' || stage.value === 'inspecting')

  function setJob(j: JobView): void {
    const m = new Map(jobs.value)
    m.set(j.jobId, j)
    jobs.value = m
  }
  function dropJob(id: string): void {
    if (!jobs.value.has(id)) return
    const m = new Map(jobs.value)
    m.delete(id)
    jobs.value = m
  }

  function reset(): void {
    label.value = ''
    source.value = null
    upload.value = null
    inspect.value = null
    jobId.value = null
    end.value = null
    failure.value = null
  }

  function requestFailure(err: unknown, step: 'read' | 'upload' | 'inspect' | 'import'): ImportFailure {
    return {
      kind: 'request', code: err instanceof ApiError ? err.code : 'internal', message: errorMessage(err), step,
      ...(err instanceof ApiError && err.key ? { key: err.key, params: err.params ?? {} } : {})
    }
  }

  /** Starts from a drop or a pick: uploads when needed, then inspects. */
  async function begin(input: Promise<ImportInput>, what: string): Promise<void> {
    if (busy.value) {
      useToasts().info(t('import.busy'))
      return
    }
    // A job started from the dialog keeps running in the jobs indicator.
    reset()
    label.value = what
    stage.value = 'reading'
    let got: ImportInput
    try {
      got = await input
    } catch (err) {
      failure.value = err instanceof Error && err.message === 'no-path'
        ? { kind: 'request', code: 'invalid_argument', message: t('import.errors.noPath'), step: 'read' }
        : requestFailure(err, 'read')
      stage.value = 'failed'
      return
    }
    label.value = got.label || what
    if (got.kind === 'paths') {
      if (got.paths.length === 0) {
        failure.value = { kind: 'request', code: 'invalid_argument', message: t('import.errors.nothing'), step: 'read' }
        stage.value = 'failed'
        return
      }
      source.value = { paths: got.paths }
    } else {
      const problem = checkUpload(got.files)
      if (problem) {
        failure.value = { kind: 'request', code: 'invalid_argument', message: t(`import.errors.${problem.key}`, 'params' in problem ? problem.params : {}), step: 'upload' }
        stage.value = 'failed'
        return
      }
      stage.value = 'uploading'
      uploadAbort = new AbortController()
      try {
        const uploadId = await uploadFiles(got.files, (p) => { upload.value = p }, uploadAbort.signal)
        source.value = { uploadId }
      } catch (err) {
        uploadAbort = null
        if (err instanceof UploadCancelled) { close(); return }
        failure.value = {
          kind: 'request', code: 'invalid_argument', step: 'upload',
          message: err instanceof UploadError ? t('import.errors.uploadFailed', { path: err.path, message: err.message }) : errorMessage(err)
        }
        stage.value = 'failed'
        return
      }
      uploadAbort = null
    }
    await runInspect()
  }

  /** Inspects the source again (the dialog's overrides: format, delimiter, header row). */
  async function runInspect(options?: ImportOptions): Promise<void> {
    if (!source.value) return
    const first = inspect.value === null
    if (first) stage.value = 'inspecting'
    inspecting.value = true
    try {
      const result = await api.call('datasets:inspect', { ...source.value, ...(options ? { options } : {}) })
      inspect.value = result
      failure.value = null
      stage.value = 'review'
    } catch (err) {
      failure.value = requestFailure(err, 'inspect')
      stage.value = first ? 'failed' : 'review'
    } finally {
      inspecting.value = false
    }
  }

  function finish(e: ImportEnd): void {
    end.value = e
    if (e.ok && e.datasetId) {
      stage.value = 'done'
      void useDatasets().load()
      const name = importName || inspect.value?.suggestedName || label.value
      useToasts().info(e.reused ? t('import.reusedToast', { name }) : t('import.doneToast', { name }))
      onImported?.(e.datasetId)
    } else if (e.error?.code === 'cancelled') {
      stage.value = 'review'
      jobId.value = null
      useToasts().info(t('import.cancelled'))
    } else {
      failure.value = e.error
        ? { kind: 'import', error: e.error, warnings: e.warnings }
        : { kind: 'request', code: 'internal', message: t('import.errors.noReason'), step: 'import' }
      stage.value = 'failed'
    }
  }

  /** Starts the import job with the dialog's options. */
  async function start(options: ImportOptions): Promise<void> {
    if (!source.value || stage.value === 'importing') return
    failure.value = null
    end.value = null
    importName = options.name ?? ''
    stage.value = 'importing'
    try {
      const { jobId: id } = await api.call('datasets:import', { ...source.value, options })
      jobId.value = id
      if (!jobs.value.has(id)) setJob({ jobId: id, kind: 'import', name: options.name ?? label.value, startedAt: Date.now(), progress: null })
      const early = earlyEnds.get(id)
      if (early) { earlyEnds.delete(id); dropJob(id); finish(early) }
    } catch (err) {
      failure.value = requestFailure(err, 'import')
      stage.value = 'review'
    }
  }

  /** Cancel: aborts an upload, cancels the running import job, or closes the dialog. */
  async function cancel(): Promise<void> {
    if (stage.value === 'uploading') { uploadAbort?.abort(); return }
    if (stage.value === 'importing' && jobId.value) { await cancelJob(jobId.value); return }
    close()
  }

  async function cancelJob(id: string): Promise<void> {
    try {
      await api.call('datasets:cancelImport', { jobId: id })
    } catch (err) {
      useToasts().error(err, 'import.errors.cancelFailed')
    }
  }

  /** Closes the dialog; a running job continues (jobs indicator). */
  function close(): void {
    uploadAbort?.abort()
    uploadAbort = null
    stage.value = 'closed'
    if (!jobId.value || !jobs.value.has(jobId.value)) reset()
  }

  /** Reopens the dialog on a running job (from the jobs indicator). */
  function show(id: string): void {
    if (jobId.value === id && inspect.value) { stage.value = 'importing'; return }
    const j = jobs.value.get(id)
    if (!j) return
    reset()
    label.value = j.name
    jobId.value = id
    stage.value = 'importing'
  }

  /** Starts a resplit job; its progress shows in the jobs indicator. */
  async function resplit(datasetId: string, name: string, split: { train: number; val: number; test: number }, seed: number): Promise<string | null> {
    try {
      const { jobId: id } = await api.call('datasets:resplit', { datasetId, split, seed })
      if (!jobs.value.has(id)) setJob({ jobId: id, kind: 'resplit', name, startedAt: Date.now(), progress: null })
      return id
    } catch (err) {
      useToasts().error(err, 'datasets.errors.resplitFailed')
      return null
    }
  }

  async function loadJobs(): Promise<void> {
    try {
      const list = await api.call('datasets:importJobs', {})
      const m = new Map<string, JobView>()
      for (const j of list) m.set(j.jobId, { ...j })
      jobs.value = m
    } catch {
      // Older servers or a dropped connection: the indicator fills from events instead.
    }
  }

  function subscribe(): void {
    if (subscribed) return
    subscribed = true
    api.on('datasets:didImportProgress', (p) => {
      const j = jobs.value.get(p.jobId)
      setJob(j ? { ...j, progress: p } : { jobId: p.jobId, kind: 'import', name: p.jobId === jobId.value ? label.value : '', startedAt: Date.now(), progress: p })
    })
    api.on('datasets:didImportEnd', (e) => {
      const j = jobs.value.get(e.jobId)
      dropJob(e.jobId)
      if (e.jobId === jobId.value) { finish(e); return }
      if (stage.value === 'importing' && jobId.value === null) {
        // `datasets:import` has not answered yet: this may be our job (reused imports end at once).
        earlyEnds.set(e.jobId, e)
        return
      }
      if (j?.kind === 'resplit' || j?.kind === 'import') {
        if (e.ok) {
          useToasts().info(t(j.kind === 'resplit' ? 'datasets.resplitDone' : 'import.doneToast', { name: j.name }))
          void useDatasets().load()
        } else if (e.error?.code !== 'cancelled') {
          useToasts().push('error', e.error?.message ?? t('import.errors.noReason'), t(j.kind === 'resplit' ? 'datasets.errors.resplitFailedTitle' : 'import.failedTitle'))
        }
      }
    })
    void loadJobs()
  }

  return {
    stage, label, source, upload, inspect, inspecting, jobId, end, failure, jobs, jobList, currentProgress, busy,
    begin, runInspect, start, cancel, cancelJob, close, show, resplit, subscribe, loadJobs,
    setOnImported: (fn: ((datasetId: string) => void) | null) => { onImported = fn }
  }
})
