/**
 * Saved composer models (issue 4): versioned graph specs in SQLite. A version is immutable; saving
 * an unchanged spec adds nothing. Every graph that enters main here is parsed (parseGraphSpec) and
 * analysed (analyzeGraph); an invalid one is refused with the offending node and how to fix it.
 * Also used by runs:start, which records the exact model version a graph run trains.
 */
import { createHash } from 'node:crypto'
import type { Requests } from '../../preload/contract/channels'
import type { ModelSaveResult, ModelSummary } from '../../preload/contract/types'
import {
  analyzeGraph, exportGraphJson, exportKerasTopology, importKerasModel, KerasImportError,
  type GraphDatasetInfo, type GraphSpec
} from '../../preload/contract/model/index'
import { parseGraphSpec } from '../../preload/contract/model/schema'
import { newModelId } from '../common/ids'
import type { ModelsRepo } from '../storage/modelsRepo'
import type { RunsRepo } from '../storage/runsRepo'
import { StudioError } from './errors'
import type { EventHub } from './events'

type ModelChannels = 'models:list' | 'models:get' | 'models:save' | 'models:importKeras' | 'models:export' | 'models:delete'
export type ModelHandlers = { [C in ModelChannels]: (args: Requests[C]['args']) => Promise<Requests[C]['result']> | Requests[C]['result'] }

/** JSON with object keys sorted at every level: equal specs give equal text, whatever the key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`
  }
  return JSON.stringify(v)
}

/** sha256 of a spec's canonical JSON: the identity of an architecture. */
export function specHash(spec: GraphSpec): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex')
}

/**
 * Parses and validates an untrusted graph; throws `invalid_argument` naming the first offending
 * node ("conv_2 (Conv2D): …") or "model: …" for the graph as a whole. Without `data`, an Input
 * without a shape is accepted (it takes the dataset's example shape when a run starts).
 */
export function validateGraph(raw: unknown, data?: GraphDatasetInfo): { spec: GraphSpec; totalParams: number } {
  const parsed = parseGraphSpec(raw)
  if (!parsed.ok) throw new StudioError('invalid_argument', `model: ${parsed.message}`)
  const a = analyzeGraph(parsed.spec, data)
  const errors = data ? a.errors : a.errors.filter((e) => e.code !== 'input-shape')
  if (errors.length) {
    const e = errors[0]!
    const node = e.nodeId ? parsed.spec.nodes.find((n) => n.id === e.nodeId) : undefined
    const where = node ? `${node.id} (${node.kind})` : e.nodeId ?? 'model'
    const more = errors.length > 1 ? ` (${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : ''
    throw new StudioError('invalid_argument', `${where}: ${e.message}${more}`)
  }
  return { spec: parsed.spec, totalParams: a.totalParams }
}

export interface ModelsServiceOptions {
  repo: ModelsRepo
  runs: RunsRepo
  hub: EventHub
  /** The dataset info a graph is checked against (throws not_found for an unknown dataset). */
  datasetInfo: (datasetId: string) => GraphDatasetInfo
}

export class ModelsService {
  constructor(private readonly o: ModelsServiceOptions) {}

  private model(id: string) {
    const m = this.o.repo.get(id)
    if (!m || m.deletedAt !== null) throw new StudioError('not_found', `No saved model with id "${id}". "models:list" lists them.`)
    return m
  }

  private emit(modelId: string): void {
    const m = this.o.repo.get(modelId)
    this.o.hub.emit('models:didChange', { modelId, summary: m && m.deletedAt === null ? strip(m) : null })
  }

  /**
   * Saves `raw` as a new model, or as a new version of `modelId` when it differs from the latest
   * version (same spec: nothing is added, `created` false; a rename still applies).
   */
  save(args: { modelId?: string; name?: string; description?: string; spec: unknown; note?: string; datasetId?: string }): ModelSaveResult {
    const { spec, totalParams } = validateGraph(args.spec, args.datasetId ? this.o.datasetInfo(args.datasetId) : undefined)
    const hash = specHash(spec)
    const now = Date.now()
    const v = { spec, hash, totalParams, layerCount: spec.nodes.length, note: args.note ?? '', createdAt: now }
    if (args.modelId) {
      this.model(args.modelId)
      const latest = this.o.repo.latest(args.modelId)
      const rename = { ...(args.name ? { name: args.name } : {}), ...(args.description !== undefined ? { description: args.description } : {}) }
      if (latest && latest.hash === hash) {
        if (rename.name || rename.description !== undefined) { this.o.repo.touch(args.modelId, now, rename); this.emit(args.modelId) }
        return { model: strip(this.o.repo.get(args.modelId)!), version: latest, created: false }
      }
      const version = this.o.repo.addVersion(args.modelId, v, rename)
      this.emit(args.modelId)
      return { model: strip(this.o.repo.get(args.modelId)!), version, created: true }
    }
    const name = args.name?.trim() || spec.name?.trim() || 'Untitled model'
    const { model, version } = this.o.repo.create({ id: newModelId(now), name, description: args.description ?? '' }, v)
    this.emit(model.id)
    return { model: strip(model), version, created: true }
  }

  /**
   * The saved version a graph run trains (runs:start): the given model's version when its spec is
   * exactly that version's, else a new version of that model, else an existing version with the
   * same hash, else a new model named after the run. The run then records (modelId, version).
   */
  versionForRun(spec: GraphSpec, ref: { modelId?: string; modelVersion?: number }, runName: string): { modelId: string; version: number } {
    const hash = specHash(spec)
    if (ref.modelId) {
      const m = this.o.repo.get(ref.modelId)
      if (m && m.deletedAt === null) {
        if (ref.modelVersion) {
          const v = this.o.repo.version(ref.modelId, ref.modelVersion)
          if (v && v.hash === hash) return { modelId: ref.modelId, version: v.version }
        }
        const r = this.save({ modelId: ref.modelId, spec, note: `trained by ${runName}` })
        return { modelId: ref.modelId, version: r.version.version }
      }
    }
    const same = this.o.repo.findByHash(hash)
    if (same) return { modelId: same.modelId, version: same.version }
    const r = this.save({ spec, name: spec.name?.trim() || runName, note: `saved when ${runName} started` })
    return { modelId: r.model.id, version: r.version.version }
  }

  handlers(): ModelHandlers {
    return {
      'models:list': () => this.o.repo.list(),
      'models:get': ({ modelId }) => {
        const m = this.model(modelId)
        return { summary: strip(m), versions: this.o.repo.versions(modelId) }
      },
      'models:save': (args) => this.save(args),
      'models:importKeras': ({ json, name }) => {
        let parsed: unknown
        try {
          parsed = JSON.parse(json)
        } catch (e) {
          throw new StudioError('invalid_argument', `model.json is not valid JSON: ${(e as Error).message}`)
        }
        let imported
        try {
          imported = importKerasModel(parsed)
        } catch (e) {
          if (e instanceof KerasImportError) {
            const where = [e.layer ? `layer "${e.layer}"` : null, e.field ? `field ${e.field}` : null].filter(Boolean).join(', ')
            throw new StudioError('invalid_argument', `Keras import${where ? ` (${where})` : ''}: ${e.message}`)
          }
          throw e
        }
        const r = this.save({ spec: imported.spec, ...(name ? { name } : {}), note: 'imported from a Keras / TF.js model.json' })
        return { ...r, warnings: imported.warnings }
      },
      'models:export': ({ modelId, version, format }) => {
        const m = this.model(modelId)
        const v = version ? this.o.repo.version(modelId, version) : this.o.repo.latest(modelId)
        if (!v) throw new StudioError('not_found', `Model "${m.name}" has no version ${version}; it has versions 1–${m.latestVersion}.`)
        const spec = v.spec as GraphSpec
        const base = m.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'model'
        if (format === 'keras') {
          let topology
          try {
            topology = exportKerasTopology(spec)
          } catch (e) {
            throw new StudioError('invalid_argument', `Cannot export "${m.name}" v${v.version} as Keras: ${(e as Error).message}`)
          }
          return { fileName: `${base}-v${v.version}.model.json`, json: `${JSON.stringify({ format: 'layers-model', modelTopology: topology, weightsManifest: [] }, null, 2)}\n` }
        }
        return { fileName: `${base}-v${v.version}.json`, json: exportGraphJson(spec) }
      },
      'models:delete': ({ modelId }) => {
        this.model(modelId)
        const use = this.o.runs.modelUse(modelId)
        if (use.active > 0) throw new StudioError('conflict', `Model ${modelId} is being trained by ${use.active} run(s); stop them first.`)
        if (use.total > 0) this.o.repo.markDeleted(modelId, Date.now())
        else this.o.repo.delete(modelId)
        this.o.hub.emit('models:didChange', { modelId, summary: null })
        return { modelId, tombstone: use.total > 0 }
      }
    }
  }
}

function strip(m: ModelSummary & { deletedAt?: number | null }): ModelSummary {
  const { deletedAt: _d, ...rest } = m
  return rest
}
