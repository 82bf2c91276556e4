/**
 * The typed error of every importer: a stable code (the contract's ImportErrorCode) plus a message
 * for people that names the file, where in it (line, record, byte offset), what was expected and
 * what was found. Thrown inside the import worker, carried to main as plain data, shown as is by
 * the UI and the CLI.
 */
import type { ImportErrorCode, ImportErrorInfo } from '../../preload/contract/types'

/** Where in a file a problem is. */
export interface ErrorLocation {
  file?: string
  line?: number
  record?: number
  offset?: number
}

/** Values of a sentence: what the UI fills into `importErrors.<key>` in the person's language. */
export type ErrorParams = Record<string, string | number>

/**
 * Which sentence the message is and its values, so the renderer can say it in Korean too (the
 * English message stays the fallback for the CLI and for keys a renderer does not know).
 */
export interface ErrorDetail {
  key: string
  params: ErrorParams
}

/** An import failure the user can act on. Anything else thrown during import is a bug ('internal'). */
export class ImportError extends Error {
  constructor(readonly code: ImportErrorCode, message: string, readonly where: ErrorLocation = {}, readonly detail?: ErrorDetail) {
    super(message)
  }

  /** The plain-data form that crosses the worker and the contract boundary. */
  toInfo(): ImportErrorInfo {
    return {
      code: this.code, message: this.message,
      ...(this.where.file !== undefined ? { file: this.where.file } : {}),
      ...(this.where.line !== undefined ? { line: this.where.line } : {}),
      ...(this.where.record !== undefined ? { record: this.where.record } : {}),
      ...(this.where.offset !== undefined ? { offset: this.where.offset } : {}),
      ...(this.detail ? { key: this.detail.key, params: this.detail.params } : {})
    }
  }
}

/**
 * Turns anything thrown by an importer into contract data: ImportErrors keep their code; other
 * errors (bugs, out of memory, zlib on a broken stream) become 'internal' — or the more useful
 * code when the cause is recognisable (zlib's "unexpected end of file" is a truncated gzip).
 */
export function toImportErrorInfo(e: unknown, file?: string): ImportErrorInfo {
  if (e instanceof ImportError) return e.toInfo()
  const msg = e instanceof Error ? e.message : String(e)
  const code = (e as { code?: unknown } | null)?.code
  if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR' || /unexpected end of file|incorrect header check|invalid .* (length|distance)/i.test(msg)) {
    return { code: 'truncated', message: `${file ? `${file}: ` : ''}the gzip data is damaged or cut short (${msg}).`, ...(file ? { file, key: 'gzipDamaged', params: { file, detail: msg } } : {}) }
  }
  return { code: 'internal', message: `${file ? `${file}: ` : ''}import failed: ${msg}`, key: 'internal', params: { detail: msg }, ...(file ? { file } : {}) }
}

/** An ImportError rebuilt from its plain-data form (a worker's error crossing back to the job). */
export function fromImportErrorInfo(e: ImportErrorInfo): ImportError {
  const where: ErrorLocation = {
    ...(e.file !== undefined ? { file: e.file } : {}), ...(e.line !== undefined ? { line: e.line } : {}),
    ...(e.record !== undefined ? { record: e.record } : {}), ...(e.offset !== undefined ? { offset: e.offset } : {})
  }
  return new ImportError(e.code, e.message, where, e.key !== undefined ? { key: e.key, params: e.params ?? {} } : undefined)
}

/** Shorthand for an ImportError's sentence key and its values. */
export const detail = (key: string, params: ErrorParams = {}): ErrorDetail => ({ key, params })
