import type { Database } from 'better-sqlite3'

/**
 * 005 — runs may end `pruned` (issue 5): an HPO study's pruner stopped the run early because its
 * validation metric was behind the other trials'. SQLite cannot change a CHECK constraint, so
 * `runs` is rebuilt exactly as 003 left it with the one status added (foreign keys off, checked
 * before commit; every row keeps its `seq` and `id`, so metrics, checkpoints and trials stay
 * attached).
 */
export function up(db: Database): void {
  db.exec(`
    DROP VIEW metrics_v;
    CREATE TABLE runs_new (
      seq                  INTEGER PRIMARY KEY,
      id                   TEXT NOT NULL UNIQUE,
      name                 TEXT NOT NULL,
      dataset_id           TEXT NOT NULL REFERENCES datasets(id),
      parent_run_id        TEXT REFERENCES runs(id),
      config               TEXT NOT NULL,
      model                TEXT NOT NULL,
      status               TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'completed', 'stopped', 'failed', 'diverged', 'pruned')),
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
    INSERT INTO runs_new SELECT seq, id, name, dataset_id, parent_run_id, config, model, status, backend, backend_info,
      param_count, run_dir, epochs, epochs_done, steps, best_val_acc, best_val_loss, error, created_at, started_at, ended_at,
      model_id, model_version, parent_checkpoint_id, resume_count, diverged_at_step
      FROM runs;
    DROP TABLE runs;
    ALTER TABLE runs_new RENAME TO runs;
    CREATE INDEX runs_created ON runs(created_at);
    CREATE INDEX runs_model ON runs(model_id, model_version);
    CREATE INDEX runs_parent ON runs(parent_run_id);
    CREATE VIEW metrics_v AS
      SELECT r.id AS run_id, n.name AS name, m.step, m.epoch, m.wall_time, m.value
      FROM metrics m JOIN runs r ON r.seq = m.run_seq JOIN metric_names n ON n.id = m.name_id;
  `)
}
