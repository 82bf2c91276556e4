import type { Database } from 'better-sqlite3'

/**
 * 002 — imported datasets (issue 3). Each version of a dataset is its own `datasets` row (own id,
 * own cache folder), so runs keep pointing at the exact version they trained on; versions of one
 * dataset share `family_id` (the first version's id; NULL for rows from before, which are their
 * own family). `source_key` makes re-importing identical data instant; `deleted_at` marks a
 * tombstone: a deleted dataset that runs still reference keeps its row, hidden from lists.
 */
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE datasets ADD COLUMN format TEXT;
    ALTER TABLE datasets ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE datasets ADD COLUMN family_id TEXT;
    ALTER TABLE datasets ADD COLUMN source_key TEXT;
    ALTER TABLE datasets ADD COLUMN test_size INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE datasets ADD COLUMN deleted_at REAL;
    CREATE INDEX datasets_family ON datasets(family_id, version);
    CREATE INDEX datasets_source_key ON datasets(source_key);
  `)
}
