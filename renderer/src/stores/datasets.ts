/** The dataset list and the model templates (both change rarely: loaded once, refreshable). */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { DatasetSummary, ModelTemplateInfo } from '@contract/types'
import { api } from '@renderer/api/client'
import { useToasts } from './toasts'

export const useDatasets = defineStore('datasets', () => {
  const datasets = shallowRef<DatasetSummary[]>([])
  const templates = shallowRef<ModelTemplateInfo[]>([])
  const loading = ref(false)
  const loaded = ref(false)
  const error = ref<string | null>(null)

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

  return { datasets, templates, loading, loaded, error, load, byId }
})
