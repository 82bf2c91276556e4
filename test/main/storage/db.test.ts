import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { DatabaseTooNewError, openDatabase, schemaVersion } from '../../../main/storage/db'
import { MIGRATIONS, SCHEMA_VERSION } from '../../../main/storage/migrations/index'
import { tempDir } from '../../helpers/tmp'

let t: ReturnType<typeof tempDir>
afterEach(() => t?.cleanup())

describe('openDatabase', () => {
  it('creates a WAL database with foreign keys at the latest schema version', () => {
    t = tempDir()
    const db = openDatabase(path.join(t.dir, 'studio.db'))
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION)
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()
    expect(tables).toEqual(expect.arrayContaining(['datasets', 'runs', 'metrics', 'checkpoints', 'metric_names']))
    db.close()
  })

  it('is idempotent: reopening does not re-run migrations', () => {
    t = tempDir()
    const file = path.join(t.dir, 'studio.db')
    openDatabase(file).close()
    const db = openDatabase(file)
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION)
    db.close()
  })

  it('refuses a database written by a newer version and leaves it untouched', () => {
    t = tempDir()
    const file = path.join(t.dir, 'studio.db')
    const raw = new Database(file)
    raw.exec('CREATE TABLE future_things (x)')
    raw.pragma(`user_version = ${SCHEMA_VERSION + 5}`)
    raw.close()
    expect(() => openDatabase(file)).toThrow(DatabaseTooNewError)
    expect(() => openDatabase(file)).toThrow(/schema version \d+, but this Training Studio supports up to/)
    const again = new Database(file)
    expect(again.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 5)
    expect(again.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'runs'").pluck().get()).toBe(0)
    again.close()
  })

  it('rolls a failing migration back with its version bump', () => {
    t = tempDir()
    const file = path.join(t.dir, 'studio.db')
    const broken = [...MIGRATIONS, { version: SCHEMA_VERSION + 1, name: 'broken', up: (db: Database.Database) => {
      db.exec('CREATE TABLE half_done (x)')
      throw new Error('boom')
    } }]
    expect(() => openDatabase(file, { migrations: broken })).toThrow('boom')
    const db = openDatabase(file)
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION)
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").pluck().get()).toBe(0)
    db.close()
  })
})
