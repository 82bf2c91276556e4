import type { Database } from 'better-sqlite3'
import { up as m001 } from './001_init'
import { up as m002 } from './002_dataset_versions'

/** One migration: `version` is what `PRAGMA user_version` reads after it ran. */
export interface Migration {
  version: number
  name: string
  up(db: Database): void
}

/**
 * Every migration, in order. Append only: a released migration is never edited, so a database
 * file from any earlier version upgrades the same way.
 */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'init', up: m001 },
  { version: 2, name: 'dataset_versions', up: m002 }
]

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version
