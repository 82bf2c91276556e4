/**
 * The composer's state: the graph being edited (immutable snapshots in an undo history), the
 * selected layer, the dataset it is checked against, the saved model/version it came from, and
 * the saved models list. Kept in a store (not the view) so the graph survives a trip to the run
 * form and back, and so the run form's "composed model" reads exactly what the composer shows.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import { isGraphModel, type ModelDetail, type ModelSummary } from '@contract/types'
import {
  analyzeGraph, exportGraphJson, graphFromModelSpec, importKerasModel, templateGraph,
  type GraphAnalysis, type GraphSpec, type GraphTemplateId, type LayerKind
} from '@contract/model'
import { api } from '@renderer/api/client'
import { History } from '@renderer/lib/history'
import {
  clampIndex, datasetInfo, emptyGraph, insertLayer, moveLayer, removeLayer, renameLayer, setInputs, setOutput, setParam
} from '@renderer/lib/graphEdit'
import { useDatasets } from './datasets'
import { useToasts } from './toasts'

/** Where the graph came from: a saved model version (for "Save" to add the next version). */
export interface ModelSource { modelId: string; version: number; name: string }

export const useComposer = defineStore('composer', () => {
  const datasets = useDatasets()
  const spec = shallowRef<GraphSpec>(emptyGraph())
  let history = new History<GraphSpec>(spec.value)
  /** Bumped on every history change so canUndo/canRedo recompute. */
  const rev = ref(0)
  const selectedId = ref<string | null>(null)
  const datasetId = ref('')
  const source = ref<ModelSource | null>(null)
  const name = ref('')
  /** The spec as last saved or loaded, to tell unsaved edits. */
  const savedJson = ref(JSON.stringify(spec.value))
  const models = shallowRef<ModelSummary[]>([])
  const detail = shallowRef<ModelDetail | null>(null)
  const saving = ref(false)
  /** Whether anything was loaded yet (the view opens the template gallery on a fresh start). */
  const started = ref(false)
  /** Name and saved version belonging to snapshots on either side of a whole-graph replacement. */
  const metaOf = new WeakMap<GraphSpec, { name: string; source: ModelSource | null; savedJson: string }>()

  const dataset = computed(() => datasets.byId(datasetId.value))
  const analysis = computed<GraphAnalysis>(() => analyzeGraph(spec.value, dataset.value ? datasetInfo(dataset.value) : undefined))
  const canUndo = computed(() => { void rev.value; return history.canUndo })
  const canRedo = computed(() => { void rev.value; return history.canRedo })
  /** The graph as saved, exported and trained: with the model's name in it (the name is part of the saved spec). */
  const namedSpec = computed<GraphSpec>(() => {
    const n = name.value.trim()
    return n ? { ...spec.value, name: n } : spec.value
  })
  const dirty = computed(() => JSON.stringify(namedSpec.value) !== savedJson.value)
  const selectedIndex = computed(() => spec.value.nodes.findIndex((n) => n.id === selectedId.value))
  const selected = computed(() => spec.value.nodes[selectedIndex.value])

  /** Makes `next` current as one undo step (merged with the previous one under the same `coalesce` key). */
  function apply(next: GraphSpec, coalesce?: string): void {
    if (next === spec.value) return
    history.push(next, coalesce)
    spec.value = next
    rev.value++
  }

  /** Opens `next` with a fresh history (a template, an import, a saved version). */
  function load(next: GraphSpec, from: ModelSource | null = null, modelName = next.name ?? ''): void {
    history = new History(next)
    spec.value = next
    rev.value++
    source.value = from
    name.value = from?.name ?? modelName
    savedJson.value = from ? JSON.stringify(name.value.trim() ? { ...next, name: name.value.trim() } : next) : ''
    selectedId.value = next.nodes[next.nodes.length - 1]?.id ?? null
    started.value = true
  }

  /**
   * Replaces the whole graph as one undo step (a template, an import, a drop), so Ctrl+Z brings back
   * what was there before; the result is a new, unsaved model.
   */
  function replace(next: GraphSpec, modelName: string): void {
    // Undo/redo across the replacement also brings back the name and saved version of each side.
    metaOf.set(spec.value, { name: name.value, source: source.value, savedJson: savedJson.value })
    if (JSON.stringify(next) !== JSON.stringify(spec.value)) apply(next)
    source.value = null
    name.value = modelName
    savedJson.value = ''
    metaOf.set(spec.value, { name: modelName, source: null, savedJson: '' })
    selectedId.value = next.nodes[next.nodes.length - 1]?.id ?? null
    started.value = true
  }

  /** Puts back the name and saved version that went with snapshot `s` (see replace). */
  function restoreMeta(s: GraphSpec): void {
    const m = metaOf.get(s)
    if (!m) return
    name.value = m.name
    source.value = m.source
    savedJson.value = m.savedJson
  }

  function undo(): void {
    const s = history.undo()
    if (!s) return
    restoreMeta(s)
    spec.value = s
    rev.value++
    if (selectedId.value && !s.nodes.some((n) => n.id === selectedId.value)) selectedId.value = s.nodes[clampIndex(selectedIndex.value, s.nodes.length)]?.id ?? null
  }

  function redo(): void {
    const s = history.redo()
    if (!s) return
    restoreMeta(s)
    spec.value = s
    rev.value++
    if (selectedId.value && !s.nodes.some((n) => n.id === selectedId.value)) selectedId.value = s.nodes[s.nodes.length - 1]?.id ?? null
  }

  /** Ends merging of typed edits (the field lost focus). */
  function seal(): void {
    history.seal()
  }

  /** Inserts a `kind` layer at `index` (default: below the selection, or at the end) and selects it. */
  function insert(kind: LayerKind, index?: number, params?: Record<string, unknown>): void {
    const at = index ?? (selectedIndex.value >= 0 ? selectedIndex.value + 1 : spec.value.nodes.length)
    const r = insertLayer(spec.value, at, kind, params)
    apply(r.spec)
    selectedId.value = r.id
    started.value = true
  }

  function remove(id: string): void {
    const i = spec.value.nodes.findIndex((n) => n.id === id)
    if (i < 0) return
    const next = removeLayer(spec.value, id)
    apply(next)
    if (selectedId.value === id) selectedId.value = next.nodes[clampIndex(i, next.nodes.length)]?.id ?? null
  }

  function moveTo(id: string, index: number): void {
    apply(moveLayer(spec.value, id, index))
  }

  /** Moves the selection up (−1) or down (+1) one place. */
  function moveBy(delta: number): void {
    const id = selectedId.value
    if (id === null) return
    moveTo(id, selectedIndex.value + delta)
  }

  function param(id: string, key: string, value: unknown): void {
    apply(setParam(spec.value, id, key, value), `${id}:${key}`)
  }

  function inputs(id: string, list: string[]): void {
    apply(setInputs(spec.value, id, list))
  }

  function output(id: string): void {
    apply(setOutput(spec.value, id))
  }

  function rename(id: string, next: string): void {
    const s = renameLayer(spec.value, id, next)
    if (s === spec.value) return
    apply(s)
    if (selectedId.value === id) selectedId.value = next
  }

  /** Selects the layer `delta` places above/below the selection (the first one when none is). */
  function selectBy(delta: number): void {
    const n = spec.value.nodes.length
    if (n === 0) return
    const i = selectedIndex.value < 0 ? (delta > 0 ? 0 : n - 1) : clampIndex(selectedIndex.value + delta, n)
    selectedId.value = spec.value.nodes[i]!.id
  }

  /** Starts from template `id`, built for the current dataset. */
  function fromTemplate(id: GraphTemplateId): void {
    const ds = dataset.value
    const info = ds ? datasetInfo(ds) : { inputShape: [28, 28, 1], task: 'classification' as const, numClasses: 10 }
    const next = templateGraph(id, info)
    replace(next, next.name ?? '')
  }

  /** Starts from an empty graph. */
  function fromScratch(): void {
    replace(emptyGraph(), '')
  }

  /**
   * Opens the text of a Keras / TF.js model.json or a studio graph JSON. Returns the importer's
   * warnings (things left out); throws with the importer's message (naming the layer) on failure.
   */
  function importText(text: string, fileName: string): string[] {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (err) {
      throw new Error(`${fileName}: not JSON (${err instanceof Error ? err.message : String(err)})`)
    }
    const obj = json as { format?: unknown }
    if (obj && typeof obj === 'object' && obj.format === 'studio-graph') {
      replace(json as GraphSpec, (json as GraphSpec).name ?? fileName.replace(/\.json$/i, ''))
      return []
    }
    const r = importKerasModel(json)
    replace(r.spec, r.spec.name ?? fileName.replace(/\.json$/i, ''))
    return r.warnings
  }

  /** The graph as the JSON file "Export" downloads, and its file name. */
  function exportFile(): { fileName: string; text: string } {
    const base = (name.value || spec.value.name || 'model').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'model'
    const version = source.value && !dirty.value ? `-v${source.value.version}` : ''
    return { fileName: `${base}${version}.studio-graph.json`, text: exportGraphJson(namedSpec.value) }
  }

  async function loadModels(): Promise<void> {
    try {
      models.value = await api.call('models:list', {})
    } catch (err) {
      useToasts().error(err, 'errors.loadFailed', { what: 'models:list' })
    }
  }

  async function loadDetail(modelId: string): Promise<ModelDetail | null> {
    try {
      const d = await api.call('models:get', { modelId })
      detail.value = d
      return d
    } catch (err) {
      useToasts().error(err, 'errors.loadFailed', { what: 'models:get' })
      return null
    }
  }

  /** Opens a saved model's `version` (default: the latest). */
  async function open(modelId: string, version?: number): Promise<boolean> {
    const d = detail.value?.summary.id === modelId ? detail.value : await loadDetail(modelId)
    if (!d) return false
    const v = version === undefined ? d.versions[0] : d.versions.find((x) => x.version === version)
    if (!v) return false
    load(v.spec as GraphSpec, { modelId, version: v.version, name: d.summary.name })
    return true
  }

  /**
   * Opens the model a run trained: its graph (linked to the saved version it recorded), or the
   * graph of an issue-2 template run, layer for layer what the trainer built. One undo step.
   */
  async function openRun(runId: string): Promise<boolean> {
    try {
      const d = await api.call('runs:get', { runId })
      const m = d.config.model
      datasetId.value = d.config.datasetId
      if (isGraphModel(m)) {
        const name = m.graph.name ?? d.summary.name
        replace(m.graph, name)
        if (m.modelId && m.modelVersion) {
          source.value = { modelId: m.modelId, version: m.modelVersion, name }
          savedJson.value = JSON.stringify(namedSpec.value)
          metaOf.set(spec.value, { name, source: source.value, savedJson: savedJson.value })
        }
      } else {
        const ds = datasets.byId(d.config.datasetId)
        if (!ds) throw new Error(`dataset ${d.config.datasetId} is gone`)
        const g = graphFromModelSpec(m, datasetInfo(ds))
        replace(g, g.name ?? m.template)
      }
      return true
    } catch (err) {
      useToasts().error(err, 'errors.loadFailed', { what: 'runs:get' })
      return false
    }
  }

  /**
   * Saves the graph: a new model, or the next version of the one it came from. Returns the
   * version saved (or the unchanged latest), or null after showing main's message.
   */
  async function save(note?: string): Promise<{ version: number; created: boolean } | null> {
    saving.value = true
    try {
      if (!name.value.trim()) name.value = spec.value.name || 'Untitled model'
      const saved = namedSpec.value
      const r = await api.call('models:save', {
        ...(source.value ? { modelId: source.value.modelId } : {}),
        name: name.value.trim(),
        spec: saved,
        ...(note ? { note } : {}),
        ...(datasetId.value ? { datasetId: datasetId.value } : {})
      })
      source.value = { modelId: r.model.id, version: r.version.version, name: r.model.name }
      savedJson.value = JSON.stringify(saved)
      void loadDetail(r.model.id)
      void loadModels()
      return { version: r.version.version, created: r.created }
    } catch (err) {
      useToasts().error(err, 'composer.errors.saveFailed')
      return null
    } finally {
      saving.value = false
    }
  }

  // The draft survives a reload: saved (debounced) to localStorage, restored once at start.
  const draft = readDraft()
  if (draft) {
    load(draft.spec, draft.source, draft.name)
    // load() names a saved model after its source; the draft's name may be an unsaved edit of it.
    name.value = draft.name
    savedJson.value = draft.savedJson
    datasetId.value = draft.datasetId
  }
  let draftTimer: ReturnType<typeof setTimeout> | null = null
  const flushDraft = (): void => {
    if (draftTimer) clearTimeout(draftTimer)
    draftTimer = null
    writeDraft({ spec: spec.value, name: name.value, source: source.value, datasetId: datasetId.value, savedJson: savedJson.value })
  }
  watch([spec, name, source, datasetId, savedJson], () => {
    if (draftTimer) clearTimeout(draftTimer)
    draftTimer = setTimeout(flushDraft, 300)
  })
  // A reload or a closed window inside the debounce still keeps the last edit.
  if (typeof window !== 'undefined') window.addEventListener('pagehide', () => { if (draftTimer) flushDraft() })

  return {
    spec, namedSpec, selectedId, datasetId, source, name, models, detail, saving, started, dataset, analysis,
    canUndo, canRedo, dirty, selectedIndex, selected,
    apply, load, undo, redo, seal, insert, remove, moveTo, moveBy, param, inputs, output, rename, selectBy,
    fromTemplate, fromScratch, importText, exportFile, loadModels, loadDetail, open, openRun, save
  }
})

/** What is kept of the composer across a reload. */
interface Draft { spec: GraphSpec; name: string; source: ModelSource | null; datasetId: string; savedJson: string }
const DRAFT_KEY = 'studio.composer.draft'

/** The stored draft, or null when there is none or it is not a graph (a newer or damaged entry). */
function readDraft(): Draft | null {
  try {
    const raw = localStorage.getItem(DRAFT_KEY)
    if (!raw) return null
    const d = JSON.parse(raw) as Partial<Draft>
    if (!d.spec || d.spec.format !== 'studio-graph' || !Array.isArray(d.spec.nodes) || d.spec.nodes.length === 0) return null
    return { spec: d.spec, name: String(d.name ?? ''), source: d.source ?? null, datasetId: String(d.datasetId ?? ''), savedJson: String(d.savedJson ?? '') }
  } catch {
    return null
  }
}

function writeDraft(d: Draft): void {
  try {
    if (d.spec.nodes.length === 0) localStorage.removeItem(DRAFT_KEY)
    else localStorage.setItem(DRAFT_KEY, JSON.stringify(d))
  } catch { /* storage full or disabled: the draft lasts this session */ }
}
