import type { Database } from 'better-sqlite3'

/**
 * 004 — HPO studies (issue 5). A study holds what it optimizes (space, objective, direction),
 * how (sampler, pruner, retry policy, seed, base run configuration) and how much (budget of
 * trials and/or wall time, parallelism); `state` is the coordinator's. Trials are numbered densely
 * per study and link to the run that evaluated them (`run_id`, kept when a run is deleted: SET
 * NULL). The objective's per-epoch values are the run's metrics; `trial_values` keeps a copy keyed
 * by trial so that trials without a run (imported from another study) have them too and the
 * pruners read them without a join. JSON columns hold what the UI edits as a whole.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE studies (
      id               TEXT PRIMARY KEY,
      name             TEXT NOT NULL,
      direction        TEXT NOT NULL CHECK (direction IN ('minimize', 'maximize')),
      space            TEXT NOT NULL,
      sampler          TEXT,
      pruner           TEXT,
      objective_metric TEXT,
      budget_trials    INTEGER,
      budget_wall_ms   INTEGER,
      parallelism      INTEGER,
      retry            TEXT,
      seed             INTEGER,
      base_config      TEXT,
      state            TEXT,
      attrs            TEXT NOT NULL DEFAULT '{}',
      created_at       REAL NOT NULL
    );
    CREATE INDEX studies_created ON studies(created_at);

    CREATE TABLE trials (
      study_id   TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
      number     INTEGER NOT NULL,
      state      TEXT NOT NULL CHECK (state IN ('waiting', 'running', 'complete', 'pruned', 'failed')),
      params     TEXT NOT NULL,
      value      REAL,
      run_id     TEXT REFERENCES runs(id) ON DELETE SET NULL,
      worker     TEXT,
      heartbeat  REAL,
      started_at REAL,
      ended_at   REAL,
      error      TEXT,
      attrs      TEXT NOT NULL DEFAULT '{}',
      PRIMARY KEY (study_id, number)
    );
    CREATE INDEX trials_state ON trials(study_id, state, number);
    CREATE INDEX trials_run ON trials(run_id);

    CREATE TABLE trial_values (
      study_id TEXT NOT NULL,
      number   INTEGER NOT NULL,
      step     INTEGER NOT NULL,
      value    REAL NOT NULL,
      PRIMARY KEY (study_id, number, step),
      FOREIGN KEY (study_id, number) REFERENCES trials(study_id, number) ON DELETE CASCADE
    );
  `)
}
