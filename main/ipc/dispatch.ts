/**
 * The one door into main for requests from untrusted callers (the renderer over IPC, browsers over
 * the WebSocket): checks the channel against the allow-list, validates the arguments with the
 * contract's schemas, runs the handler, and wraps the outcome in an Envelope. Stacks never cross.
 */
import { z } from 'zod'
import { REQUEST_CHANNELS, type Envelope, type RequestChannel } from '../../preload/contract/channels'
import {
  DatasetIdArgsSchema, DatasetImagesArgsSchema, DatasetRowsArgsSchema, EmptyArgsSchema, ImportArgsSchema,
  InspectArgsSchema, JobIdArgsSchema, MetricsArgsSchema, RenameRunArgsSchema, ResplitArgsSchema, RunIdArgsSchema,
  StartRunArgsSchema, UpdateDatasetArgsSchema,
  EvaluateArgsSchema, ExportCheckpointArgsSchema, ForkArgsSchema, ModelExportArgsSchema, ModelIdArgsSchema,
  ModelImportArgsSchema, ModelSaveArgsSchema, PredictArgsSchema, ResumeFromArgsSchema
} from '../../preload/contract/schemas'
import {
  HpoAnalysisArgsSchema, HpoCreateArgsSchema, HpoEnqueueArgsSchema, HpoExtendArgsSchema, HpoHintArgsSchema,
  HpoImportTrialsArgsSchema, HpoPauseArgsSchema, HpoStudyIdArgsSchema, HpoSurrogateArgsSchema
} from '../../preload/contract/hpoSchemas'
import { createLogger } from '../common/logger'
import type { Handlers } from '../services/studio'
import { StudioError } from '../services/errors'

const log = createLogger('dispatch')

/** Argument schema of every channel. */
export const ARG_SCHEMAS: { [C in RequestChannel]: z.ZodType } = {
  'app:info': EmptyArgsSchema,
  'datasets:list': EmptyArgsSchema,
  'models:templates': EmptyArgsSchema,
  'runs:list': EmptyArgsSchema,
  'runs:get': RunIdArgsSchema,
  'runs:start': StartRunArgsSchema,
  'runs:stop': RunIdArgsSchema,
  'runs:rename': RenameRunArgsSchema,
  'runs:metrics': MetricsArgsSchema,
  'datasets:inspect': InspectArgsSchema,
  'datasets:import': ImportArgsSchema,
  'datasets:cancelImport': JobIdArgsSchema,
  'datasets:importJobs': EmptyArgsSchema,
  'datasets:get': DatasetIdArgsSchema,
  'datasets:rows': DatasetRowsArgsSchema,
  'datasets:images': DatasetImagesArgsSchema,
  'datasets:update': UpdateDatasetArgsSchema,
  'datasets:delete': DatasetIdArgsSchema,
  'datasets:resplit': ResplitArgsSchema,
  'models:list': EmptyArgsSchema,
  'models:get': ModelIdArgsSchema,
  'models:save': ModelSaveArgsSchema,
  'models:importKeras': ModelImportArgsSchema,
  'models:export': ModelExportArgsSchema,
  'models:delete': ModelIdArgsSchema,
  'runs:pause': RunIdArgsSchema,
  'runs:resume': RunIdArgsSchema,
  'runs:resumeFrom': ResumeFromArgsSchema,
  'runs:fork': ForkArgsSchema,
  'runs:exportCheckpoint': ExportCheckpointArgsSchema,
  'runs:evaluate': EvaluateArgsSchema,
  'runs:predict': PredictArgsSchema,
  'runs:distributions': RunIdArgsSchema,
  'hpo:list': EmptyArgsSchema,
  'hpo:get': HpoStudyIdArgsSchema,
  'hpo:create': HpoCreateArgsSchema,
  'hpo:start': HpoStudyIdArgsSchema,
  'hpo:pause': HpoPauseArgsSchema,
  'hpo:resume': HpoStudyIdArgsSchema,
  'hpo:stop': HpoStudyIdArgsSchema,
  'hpo:extend': HpoExtendArgsSchema,
  'hpo:enqueue': HpoEnqueueArgsSchema,
  'hpo:importTrials': HpoImportTrialsArgsSchema,
  'hpo:delete': HpoStudyIdArgsSchema,
  'hpo:analysis': HpoAnalysisArgsSchema,
  'hpo:surrogate': HpoSurrogateArgsSchema,
  'hpo:hint': HpoHintArgsSchema
}

const CHANNELS: ReadonlySet<string> = new Set(REQUEST_CHANNELS)

/** Formats zod issues as "config.learningRate: expected a number > 0" lines. */
export function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(arguments)'}: ${i.message}`).join('; ')
}

/** Builds the dispatcher over a core's handlers. */
export function createDispatcher(handlers: Handlers) {
  return async function dispatch(channel: unknown, rawArgs: unknown): Promise<Envelope<unknown>> {
    if (typeof channel !== 'string' || !CHANNELS.has(channel)) {
      return { ok: false, error: { code: 'invalid_argument', message: `Unknown channel ${JSON.stringify(channel)}.` } }
    }
    const c = channel as RequestChannel
    const parsed = ARG_SCHEMAS[c].safeParse(rawArgs ?? {})
    if (!parsed.success) {
      return { ok: false, error: { code: 'invalid_argument', message: `${c}: ${formatIssues(parsed.error)}` } }
    }
    try {
      const handler = handlers[c] as (a: unknown) => unknown
      return { ok: true, value: await handler(parsed.data) }
    } catch (e) {
      if (e instanceof StudioError) return { ok: false, error: { code: e.code, message: e.message, ...(e.detail ? { key: e.detail.key, params: e.detail.params } : {}) } }
      log.error(`${c} failed`, e)
      return { ok: false, error: { code: 'internal', message: `${c} failed: ${e instanceof Error ? e.message : String(e)}` } }
    }
  }
}
export type Dispatch = ReturnType<typeof createDispatcher>
