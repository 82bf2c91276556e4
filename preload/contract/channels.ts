/**
 * The studio's one contract: every request channel with its argument and result type, and every
 * pushed event with its payload. main handlers, the preload bridge, the WebSocket bridge and the
 * renderer all type-check against these maps. Channel names follow `domain:verb`, events
 * `domain:didEvent`.
 */
import type {
  AppInfo, CheckpointInfo, DatasetSummary, MetricBatch, MetricSeries, ModelTemplateInfo,
  RunConfig, RunDetail, RunSummary
} from './types'

/** Request channels: `args` is validated in main, `result` is what the caller gets on success. */
export interface Requests {
  'app:info': { args: Record<string, never>; result: AppInfo }
  'datasets:list': { args: Record<string, never>; result: DatasetSummary[] }
  'models:templates': { args: Record<string, never>; result: ModelTemplateInfo[] }
  'runs:list': { args: Record<string, never>; result: RunSummary[] }
  'runs:get': { args: { runId: string }; result: RunDetail }
  'runs:start': { args: { config: RunConfigInput }; result: RunSummary }
  'runs:stop': { args: { runId: string }; result: RunSummary }
  'runs:rename': { args: { runId: string; name: string }; result: RunSummary }
  'runs:metrics': {
    args: { runId: string; names?: string[]; afterStep?: number }
    result: Record<string, MetricSeries>
  }
}

/** RunConfig as a caller may send it: fields with defaults may be left out. */
export type RunConfigInput = Omit<RunConfig, 'backend'> & { backend?: RunConfig['backend'] }

/** Events pushed from main to every connected renderer. */
export interface Events {
  'runs:didChange': RunSummary
  'runs:didMetrics': { runId: string; batch: MetricBatch }
  'runs:didCheckpoint': CheckpointInfo
}

export type RequestChannel = keyof Requests
export type EventChannel = keyof Events
export type ArgsOf<C extends RequestChannel> = Requests[C]['args']
export type ResultOf<C extends RequestChannel> = Requests[C]['result']

/** Allow-lists, used by the preload (which exposes nothing else) and by the server. */
export const REQUEST_CHANNELS = [
  'app:info', 'datasets:list', 'models:templates', 'runs:list', 'runs:get', 'runs:start',
  'runs:stop', 'runs:rename', 'runs:metrics'
] as const satisfies readonly RequestChannel[]

export const EVENT_CHANNELS = [
  'runs:didChange', 'runs:didMetrics', 'runs:didCheckpoint'
] as const satisfies readonly EventChannel[]

/** Stable error codes; the message is for people, the code is for code. */
export type ErrorCode =
  | 'invalid_argument' | 'not_found' | 'conflict' | 'unavailable' | 'unauthorized' | 'internal'

/** How every result crosses a process or network boundary: never a raw stack. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: { code: ErrorCode; message: string } }

/** Something to release: returned by `on`. */
export interface Disposable { dispose(): void }

/**
 * The one API object the renderer sees: `window.studio` in Electron (preload + contextBridge) or
 * the WebSocket client in browser mode. Components never know which.
 */
export interface StudioBridge {
  invoke<C extends RequestChannel>(channel: C, args: ArgsOf<C>): Promise<Envelope<ResultOf<C>>>
  on<E extends EventChannel>(event: E, listener: (payload: Events[E]) => void): () => void
}
