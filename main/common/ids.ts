import { randomBytes } from 'node:crypto'

/**
 * A new run id: sortable by creation time (base-36 milliseconds) plus 6 random characters,
 * e.g. `r-mcv1k2a8-x7f3qk`. Safe in URLs and file names.
 */
export function newRunId(now = Date.now()): string {
  const rnd = randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 6).toLowerCase()
  return `r-${now.toString(36)}-${rnd}`
}

/** A new saved-model id, like a run id with prefix `m-` (issue 4). */
export function newModelId(now = Date.now()): string {
  return `m${newRunId(now).slice(1)}`
}
