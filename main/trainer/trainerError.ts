/**
 * The one error type the trainer throws on purpose: it carries the protocol's error code, so the
 * entry can report *what* failed (dataset, model, backend, training) without parsing messages.
 */
import type { ErrorMessage } from './protocol'

/** Error codes of the protocol's `error` message. */
export type TrainerErrorCode = ErrorMessage['code']

/**
 * Thrown by the trainer's phases with a specific code; anything else that escapes is reported as
 * `internal`. The message is meant for people: it says what failed and, where known, what to do.
 */
export class TrainerError extends Error {
  readonly code: TrainerErrorCode
  constructor(code: TrainerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'TrainerError'
    this.code = code
  }
}

/**
 * Runs `fn` and re-throws any failure as a TrainerError with `code` (a TrainerError passes through
 * unchanged, so the innermost, most specific code wins). `what` prefixes the message.
 */
export async function withCode<T>(code: TrainerErrorCode, what: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (e) {
    if (e instanceof TrainerError) throw e
    throw new TrainerError(code, `${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e })
  }
}

/** Converts anything thrown into the protocol's code + message pair. */
export function toErrorInfo(e: unknown): { code: TrainerErrorCode; message: string } {
  if (e instanceof TrainerError) return { code: e.code, message: e.message }
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) }
}
