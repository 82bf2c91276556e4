/**
 * Opens the studio's SQLite file: WAL, foreign keys on, numbered migrations tracked by
 * `PRAGMA user_version`. A database written by a newer studio is refused (never downgraded or
 * half-read). main is the only writer; the trainer never opens this file.
 */
import Database from 'better-sqlite3'
import type { Database as Db } from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations/index'

export type StudioDb = Db

/** Thrown when the file's schema is newer than this build understands. */
export class DatabaseTooNewError extends Error {
  readonly code = 'DB_TOO_NEW'
  constructor(file: string, found: number, supported: number) {
    super(`${file} has schema version ${found}, but this Training Studio supports up to ${supported}. ` +
      'Update Training Studio, or point --data-dir at another folder.')
  }
}

export interface OpenOptions {
  /** Path of a better_sqlite3.node built for the running ABI (Electron); default: the package's own. */
  nativeBinding?: string
  /** Migrations to apply (tests pass their own list); default: all of this build's. */
  migrations?: readonly Migration[]
  readonly?: boolean
}

/** Reads `user_version` without migrating. */
export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number
}

/**
 * Applies pending migrations, each in its own transaction together with its `user_version` bump,
 * so a crash mid-migration leaves the previous version intact.
 */
export function migrate(db: Db, file: string, migrations: readonly Migration[] = MIGRATIONS): number {
  const supported = migrations.length ? migrations[migrations.length - 1]!.version : 0
  const current = schemaVersion(db)
  if (current > supported) throw new DatabaseTooNewError(file, current, supported)
  for (const m of migrations) {
    if (m.version <= current) continue
    // PRAGMA foreign_keys is a no-op inside a transaction: switch it before, restore after.
    const fkWasOn = db.pragma('foreign_keys', { simple: true }) === 1
    if (m.foreignKeysOff && fkWasOn) db.pragma('foreign_keys = OFF')
    try {
      db.transaction(() => {
        m.up(db)
        if (m.foreignKeysOff) {
          const bad = db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[]
          if (bad.length) throw new Error(`migration ${m.version} (${m.name}) broke ${bad.length} foreign key(s), e.g. ${bad[0]!.table} row ${bad[0]!.rowid} → ${bad[0]!.parent}`)
        }
        db.pragma(`user_version = ${m.version}`)
      })()
    } finally {
      if (m.foreignKeysOff && fkWasOn) db.pragma('foreign_keys = ON')
    }
  }
  return schemaVersion(db)
}

/** Opens (creating if needed) and migrates the database at `file`. */
export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  mkdirSync(path.dirname(file), { recursive: true })
  const db = new Database(file, {
    ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
    ...(opts.readonly ? { readonly: true } : {})
  })
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('foreign_keys = ON')
    // WAL + NORMAL: a commit survives an app crash; only an OS crash may lose the last commits.
    db.pragma('synchronous = NORMAL')
    db.pragma('busy_timeout = 5000')
    if (!opts.readonly) migrate(db, file, opts.migrations ?? MIGRATIONS)
    else if (schemaVersion(db) > SCHEMA_VERSION) throw new DatabaseTooNewError(file, schemaVersion(db), SCHEMA_VERSION)
    return db
  } catch (e) {
    db.close()
    throw e
  }
}
