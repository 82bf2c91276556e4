/**
 * The dataset list and the model templates, kept live from `datasets:didChange` (imports, renames,
 * deletes from any window or the CLI's server), plus the list's edits: rename, describe, delete.
 */
import { defineStore } from 'pinia'
import { ref, shallowRef, watch } from 'vue'
import type { DatasetSummary, ModelTemplateInfo } from '@contract/types'
import { api, ApiError } from '@renderer/api/client'
import { useToasts } from './toasts'
import { useApp } from './app'

export const useDatasets = defineStore('datasets', () => {
  const datasets = shallowRef<DatasetSummary[]>([])
  const templates = shallowRef<ModelTemplateInfo[]>([])
  const loading = ref(false)
  const loaded = ref(false)
  const error = ref<string | null>(null)
  /** Bumped on every change of a dataset, so open detail views refetch. */
  const changes = ref(0)
  let subscribed = false

  async function load(): Promise<void> {
    loading.value = true
    try {
      const [ds, tpl] = await Promise.all([api.call('datasets:list', {}), api.call('models:templates', {})])
      datasets.value = ds
      templates.value = tpl
      error.value = null
      loaded.value = true
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err)
      useToasts().error(err, 'errors.loadFailed', { what: 'datasets:list' })
    } finally {
      loading.value = false
    }
  }

  function byId(id: string): DatasetSummary | undefined {
    return datasets.value.find((d) => d.id === id)
  }

  function upsert(s: DatasetSummary): void {
    const i = datasets.value.findIndex((d) => d.id === s.id)
    datasets.value = i >= 0 ? datasets.value.map((d, k) => (k === i ? s : d)) : [...datasets.value, s]
  }

  function subscribe(): void {
    if (subscribed) return
    subscribed = true
    api.on('datasets:didChange', (c) => {
      if (c.summary) upsert(c.summary)
      else datasets.value = datasets.value.filter((d) => d.id !== c.datasetId)
      changes.value++
    })
    watch(() => useApp().reconnects, () => { void load() })
  }

  /** Renames and/or describes; returns false after showing the error. */
  async function update(datasetId: string, patch: { name?: string; description?: string }): Promise<boolean> {
    try {
      upsert(await api.call('datasets:update', { datasetId, ...patch }))
      return true
    } catch (err) {
      useToasts().error(err, 'datasets.errors.updateFailed')
      return false
    }
  }

  /**
   * Deletes a dataset. Resolves with null on success or the message to show next to the button
   * (a `conflict` while a run on it is running is expected, not a crash).
   */
  async function remove(datasetId: string): Promise<{ code: string; message: string } | null> {
    try {
      await api.call('datasets:delete', { datasetId })
      datasets.value = datasets.value.filter((d) => d.id !== datasetId)
      return null
    } catch (err) {
      return { code: err instanceof ApiError ? err.code : 'internal', message: err instanceof Error ? err.message : String(err) }
    }
  }

  return { datasets, templates, loading, loaded, error, changes, load, byId, upsert, subscribe, update, remove }
})
