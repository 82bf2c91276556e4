/**
 * One-click "Train" on any dataset (samples and imported alike): starts a run with the dataset's
 * suggested model and the default knobs (mlp for tables, cnn for images, as `suggested` says), then
 * opens the run. "Configure…" goes to the New Run form with the dataset preselected.
 */
import { ref } from 'vue'
import { useRouter } from 'vue-router'
import type { DatasetSummary } from '@contract/types'
import { defaultRunConfig } from '@renderer/lib/runDefaults'
import { useRuns } from '@renderer/stores/runs'
import { useToasts } from '@renderer/stores/toasts'
import { t } from '@renderer/i18n'

export function useTrainDataset() {
  const router = useRouter()
  const runs = useRuns()
  const starting = ref<string | null>(null)

  async function train(ds: DatasetSummary): Promise<void> {
    if (starting.value) return
    starting.value = ds.id
    try {
      const run = await runs.start(defaultRunConfig(ds))
      if (run) {
        useToasts().info(t('toast.runStarted', { name: run.name }))
        await router.push({ name: 'run', params: { id: run.id } })
      }
    } finally {
      starting.value = null
    }
  }

  function configure(ds: DatasetSummary): void {
    void router.push({ name: 'new', query: { dataset: ds.id } })
  }

  return { starting, train, configure }
}
