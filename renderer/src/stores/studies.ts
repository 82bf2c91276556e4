/**
 * HPO studies as summaries, kept live from `hpo:didChange`; starting, pausing, resuming,
 * stopping and extending a study. The study view keeps its own detail (space, trials) and listens
 * to `hpo:didTrial` itself.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { HpoStudyDetail, HpoStudyInput, HpoStudySummary } from '@contract/types'
import { api } from '@renderer/api/client'
import { t } from '@renderer/i18n'
import { useApp } from './app'
import { useToasts } from './toasts'

export const useStudies = defineStore('studies', () => {
  const byId = shallowRef<Map<string, HpoStudySummary>>(new Map())
  const loaded = ref(false)
  const loading = ref(false)
  const error = ref<string | null>(null)
  const busy = ref<Set<string>>(new Set())
  let subscribed = false

  const list = computed(() => [...byId.value.values()].sort((a, b) => b.createdAt - a.createdAt))

  function upsert(s: HpoStudySummary): void {
    const m = new Map(byId.value)
    m.set(s.id, s)
    byId.value = m
  }

  function remove(id: string): void {
    const m = new Map(byId.value)
    m.delete(id)
    byId.value = m
  }

  async function load(): Promise<void> {
    loading.value = true
    try {
      const all = await api.call('hpo:list', {})
      byId.value = new Map(all.map((s) => [s.id, s]))
      loaded.value = true
      error.value = null
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err)
      useToasts().error(err, 'errors.loadFailed', { what: 'hpo:list' })
    } finally {
      loading.value = false
    }
  }

  function subscribe(): void {
    if (subscribed) return
    subscribed = true
    api.on('hpo:didChange', upsert)
    watch(() => useApp().reconnects, () => { if (loaded.value) void load() })
  }

  /** Creates (and optionally starts) a study; the detail, or null after showing the error. */
  async function create(study: HpoStudyInput, start: boolean): Promise<HpoStudyDetail | null> {
    try {
      const d = await api.call('hpo:create', { study, start })
      upsert(d.summary)
      return d
    } catch (err) {
      useToasts().error(err, 'hpo.errors.createFailed')
      return null
    }
  }

  type Control = 'hpo:start' | 'hpo:pause' | 'hpo:resume' | 'hpo:stop'
  /**
   * Runs one control channel; the new summary, or null after showing the error. `pauseMode`
   * (hpo:pause only): `finish` lets running trials end, `stop` stops and re-queues them.
   */
  async function control(channel: Control, studyId: string, pauseMode?: 'finish' | 'stop'): Promise<HpoStudySummary | null> {
    if (busy.value.has(studyId)) return null
    busy.value = new Set([...busy.value, studyId])
    try {
      const s = channel === 'hpo:pause' ? await api.call(channel, { studyId, mode: pauseMode ?? 'finish' }) : await api.call(channel, { studyId })
      upsert(s)
      return s
    } catch (err) {
      useToasts().error(err, 'hpo.errors.actionFailed', { action: t(`hpo.study.${channel.slice(4)}`) })
      return null
    } finally {
      const b = new Set(busy.value)
      b.delete(studyId)
      busy.value = b
    }
  }

  async function extend(studyId: string, addTrials?: number, addWallTimeMs?: number): Promise<HpoStudySummary | null> {
    try {
      const s = await api.call('hpo:extend', { studyId, ...(addTrials ? { addTrials } : {}), ...(addWallTimeMs ? { addWallTimeMs } : {}) })
      upsert(s)
      return s
    } catch (err) {
      useToasts().error(err, 'hpo.errors.actionFailed', { action: t('hpo.study.extend') })
      return null
    }
  }

  return { byId, list, loaded, loading, error, busy, load, subscribe, upsert, remove, create, control, extend }
})
