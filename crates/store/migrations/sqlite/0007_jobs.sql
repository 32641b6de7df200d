-- The scheduler's work: deadlines, escalations, deliveries and their
-- retries, each a row due at `run_at`. A node claims due rows (on
-- PostgreSQL with FOR UPDATE SKIP LOCKED, so any number of nodes share the
-- table and each row runs once), runs them, and marks them done in the
-- same transaction as their effect where the effect is in this database.
-- (kind, subject_id, step) is unique: the same step of the same item is
-- never scheduled twice. Same conventions as 0001.
CREATE TABLE jobs (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL,
    subject_id     TEXT NOT NULL,
    step           INTEGER NOT NULL,
    run_at         TEXT NOT NULL,
    payload        TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'cancelled', 'dead')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    claimed_by     TEXT,
    claimed_until  TEXT,
    last_error     TEXT,
    created_at     TEXT NOT NULL,
    finished_at    TEXT,
    CONSTRAINT jobs_step_key UNIQUE (kind, subject_id, step)
);
CREATE INDEX jobs_due_idx ON jobs (status, run_at);
