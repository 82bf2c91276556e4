import type { ErrorCode } from '../../preload/contract/channels'

/** An error meant for the caller: its code and message cross the boundary as they are. */
export class StudioError extends Error {
  constructor(readonly code: ErrorCode, message: string, readonly detail?: { key: string; params: Record<string, string | number> }) {
    super(message)
  }
}
