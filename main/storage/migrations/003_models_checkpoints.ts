import type { Database } from 'better-sqlite3'

/**
 * 003 — saved composer models and the checkpoint lifecycle (issue 4).
 *
 * - `models` / `model_versions`: a model is a name; each version is an immutable graph spec with
 *   the sha256 of its canonical JSON. `deleted_at` tombstones a model that runs trained.
 * - `runs` gains the model version it trained, the parent checkpoint of a fork (parent_run_id
 *   already exists), how often it was resumed from its own checkpoints, the NaN step of a diverged
 *   run, and the statuses `paused` and `diverged`. SQLite cannot change a CHECK constraint, so
 *   `runs` is rebuilt (SQLite's documented 12-step procedure: the runner switches foreign keys off
 *   for this migration, and checks them before committing); every row keeps its `seq` and `id`, so
 *   metrics and checkpoints stay attached.
 * - `checkpoints` gains `deleted_at` (files removed by the retention policy; the row stays, so
 *   curves keep their markers) and `optimizer` (the checkpoint has optimizer state to resume from).
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE models (
      id          TEXT PRIMARY KEY,
      name        TEXT NOT NULL,
      description TEXT NOT NULL DEFAULT '',
      created_at  REAL NOT NULL,
      updated_at  REAL NOT NULL,
      deleted_at  REAL
    );
    CREATE TABLE model_versions (
      model_id     TEXT NOT NULL REFERENCES models(id),
      version      INTEGER NOT NULL,
      spec         TEXT NOT NULL,
      hash         TEXT NOT NULL,
      total_params INTEGER NOT NULL DEFAULT 0,
      layer_count  INTEGER NOT NULL DEFAULT 0,
      note         TEXT NOT NULL DEFAULT '',
      created_at   REAL NOT NULL,
      PRIMARY KEY (model_id, version)
    );
    CREATE INDEX model_versions_hash ON model_versions(hash);

    DROP VIEW metrics_v;
    CREATE TABLE runs_new (
      seq                  INTEGER PRIMARY KEY,
      id                   TEXT NOT NULL UNIQUE,
      name                 TEXT NOT NULL,
      dataset_id           TEXT NOT NULL REFERENCES datasets(id),
      parent_run_id        TEXT REFERENCES runs(id),
      config               TEXT NOT NULL,
      model                TEXT NOT NULL,
      status               TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'completed', 'stopped', 'failed', 'diverged')),
      backend              TEXT,
      backend_info         TEXT,
      param_count          INTEGER,
      run_dir              TEXT NOT NULL,
      epochs               INTEGER NOT NULL,
      epochs_done          INTEGER NOT NULL DEFAULT 0,
      steps                INTEGER NOT NULL DEFAULT 0,
      best_val_acc         REAL,
      best_val_loss        REAL,
      error                TEXT,
      created_at           REAL NOT NULL,
      started_at           REAL,
      ended_at             REAL,
      model_id             TEXT REFERENCES models(id),
      model_version        INTEGER,
      parent_checkpoint_id INTEGER REFERENCES checkpoints(id),
      resume_count         INTEGER NOT NULL DEFAULT 0,
      diverged_at_step     INTEGER
    );
    INSERT INTO runs_new (seq, id, name, dataset_id, parent_run_id, config, model, status, backend, backend_info,
      param_count, run_dir, epochs, epochs_done, steps, best_val_acc, best_val_loss, error, created_at, started_at, ended_at)
      SELECT seq, id, name, dataset_id, parent_run_id, config, model, status, backend, backend_info,
      param_count, run_dir, epochs, epochs_done, steps, best_val_acc, best_val_loss, error, created_at, started_at, ended_at
      FROM runs;
    DROP TABLE runs;
    ALTER TABLE runs_new RENAME TO runs;
    CREATE INDEX runs_created ON runs(created_at);
    CREATE INDEX runs_model ON runs(model_id, model_version);
    CREATE INDEX runs_parent ON runs(parent_run_id);
    CREATE VIEW metrics_v AS
      SELECT r.id AS run_id, n.name AS name, m.step, m.epoch, m.wall_time, m.value
      FROM metrics m JOIN runs r ON r.seq = m.run_seq JOIN metric_names n ON n.id = m.name_id;

    ALTER TABLE checkpoints ADD COLUMN deleted_at REAL;
    ALTER TABLE checkpoints ADD COLUMN optimizer INTEGER NOT NULL DEFAULT 0;
  `)
}
