import type { Database } from 'better-sqlite3'
import { up as m001 } from './001_init'
import { up as m002 } from './002_dataset_versions'
import { up as m003 } from './003_models_checkpoints'
import { up as m004 } from './004_studies'
import { up as m005 } from './005_runs_pruned'

/** One migration: `version` is what `PRAGMA user_version` reads after it ran. */
export interface Migration {
  version: number
  name: string
  up(db: Database): void
  /**
   * Runs with foreign keys off (SQLite's procedure for rebuilding a table that others reference);
   * the runner checks every foreign key before it commits and switches them back on.
   */
  foreignKeysOff?: boolean
}

/**
 * Every migration, in order. Append only: a released migration is never edited, so a database
 * file from any earlier version upgrades the same way.
 */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'init', up: m001 },
  { version: 2, name: 'dataset_versions', up: m002 },
  { version: 3, name: 'models_checkpoints', up: m003, foreignKeysOff: true },
  { version: 4, name: 'studies', up: m004 },
  { version: 5, name: 'runs_pruned', up: m005, foreignKeysOff: true }
]

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version
