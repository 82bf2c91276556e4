/**
 * The typed API the stores and components use: `api.call(channel, args)` resolves with the value or
 * throws an `ApiError` carrying the envelope's code and message; `api.on(event, fn)` subscribes.
 */
import type {
  ArgsOf, ErrorCode, EventChannel, Events, RequestChannel, ResultOf
} from '@contract/channels'
import { getBridge } from './bridge'

/** An error answered by main (or the connection): `code` is for code, `message` for people. */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  constructor(
    readonly code: ErrorCode, message: string, readonly channel: string,
    /** Which sentence the message is, and its values (import errors from inspect), for the UI's language. */
    readonly key?: string, readonly params?: Record<string, string | number>
  ) {
    super(message)
  }
}

export const api = {
  /** Calls `channel`; throws ApiError on `{ ok: false }` or when the bridge itself throws. */
  async call<C extends RequestChannel>(channel: C, args: ArgsOf<C>): Promise<ResultOf<C>> {
    let env
    try {
      env = await getBridge().invoke(channel, args)
    } catch (err) {
      throw new ApiError('internal', `Calling ${channel} failed: ${err instanceof Error ? err.message : String(err)}`, channel)
    }
    if (!env || typeof env !== 'object') throw new ApiError('internal', `No answer for ${channel}.`, channel)
    if (env.ok) return env.value
    throw new ApiError(env.error.code, env.error.message, channel, env.error.key, env.error.params)
  },
  /** Subscribes to a pushed event; returns the unsubscribe function. */
  on<E extends EventChannel>(event: E, listener: (payload: Events[E]) => void): () => void {
    return getBridge().on(event, listener)
  }
}

/** A readable one-line message for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message
  if (err instanceof Error) return err.message
  return String(err)
}
