/**
 * All runs as summaries, kept live from `runs:didChange`. Also owns starting/stopping runs and a
 * 1 Hz `now` used for live durations (one timer for the whole app, not one per row).
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { RunConfigInput } from '@contract/channels'
import type { RunSummary } from '@contract/types'
import { api } from '@renderer/api/client'
import { t } from '@renderer/i18n'
import { useApp } from './app'
import { useToasts } from './toasts'

export const useRuns = defineStore('runs', () => {
  /** id → summary; replaced (not mutated) on change so shallow watchers see it. */
  const byId = shallowRef<Map<string, RunSummary>>(new Map())
  const loaded = ref(false)
  const loading = ref(false)
  const error = ref<string | null>(null)
  const now = ref(Date.now())
  const stopping = ref<Set<string>>(new Set())
  let subscribed = false

  const list = computed(() => [...byId.value.values()].sort((a, b) => b.createdAt - a.createdAt))
  const anyRunning = computed(() => list.value.some((r) => r.status === 'running' || r.status === 'queued'))

  setInterval(() => { if (anyRunning.value) now.value = Date.now() }, 1000)

  function upsert(r: RunSummary): void {
    const m = new Map(byId.value)
    m.set(r.id, r)
    byId.value = m
  }

  async function load(): Promise<void> {
    loading.value = true
    try {
      const runs = await api.call('runs:list', {})
      const m = new Map<string, RunSummary>()
      for (const r of runs) m.set(r.id, r)
      byId.value = m
      loaded.value = true
      error.value = null
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err)
      useToasts().error(err, 'errors.loadFailed', { what: 'runs:list' })
    } finally {
      loading.value = false
    }
  }

  function subscribe(): void {
    if (subscribed) return
    subscribed = true
    api.on('runs:didChange', (r) => {
      upsert(r)
      now.value = Date.now()
    })
    watch(() => useApp().reconnects, () => { void load() })
  }

  /** Starts a run; returns its summary, or null after showing the error. */
  async function start(config: RunConfigInput): Promise<RunSummary | null> {
    try {
      const r = await api.call('runs:start', { config })
      upsert(r)
      return r
    } catch (err) {
      useToasts().error(err, 'errors.startFailed')
      return null
    }
  }

  async function stop(runId: string): Promise<void> {
    if (stopping.value.has(runId)) return
    stopping.value = new Set([...stopping.value, runId])
    try {
      const r = await api.call('runs:stop', { runId })
      upsert(r)
      useToasts().info(t('toast.runStopped', { name: r.name }))
    } catch (err) {
      useToasts().error(err, 'errors.stopFailed')
    } finally {
      const s = new Set(stopping.value)
      s.delete(runId)
      stopping.value = s
    }
  }

  async function rename(runId: string, name: string): Promise<void> {
    try {
      upsert(await api.call('runs:rename', { runId, name }))
    } catch (err) {
      useToasts().error(err, 'errors.renameFailed')
    }
  }

  return { byId, list, loaded, loading, error, now, stopping, anyRunning, load, subscribe, start, stop, rename, upsert }
})
