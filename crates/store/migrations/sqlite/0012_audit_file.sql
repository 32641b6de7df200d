-- The audit log moves into its own file, attached to every connection as
-- `audit` (see src/sqlite.rs for why). The tables, indexes and triggers are
-- those of 0002, recreated there; existing entries, checkpoints and the
-- head are copied across before the triggers that guard them exist, then
-- the originals are dropped (dropping a table fires none of its triggers).

CREATE TABLE audit.audit_log (
    seq                    INTEGER PRIMARY KEY,
    occurred_at            TEXT NOT NULL,
    actor_user_id          TEXT,
    actor_username         TEXT,
    actor_organisation_id  TEXT,
    actor_role             TEXT,
    purpose                TEXT,
    person_id              TEXT,
    action                 TEXT NOT NULL,
    categories             TEXT NOT NULL,
    outcome                TEXT NOT NULL CHECK (outcome IN ('allowed', 'denied')),
    reasons                TEXT NOT NULL,
    policy_ids             TEXT NOT NULL,
    break_glass            INTEGER NOT NULL CHECK (break_glass IN (0, 1)),
    prev_hash              TEXT NOT NULL,
    hash                   TEXT NOT NULL,
    CONSTRAINT audit_log_actor_check CHECK (
        (actor_user_id IS NULL) = (actor_username IS NULL)
        AND (actor_user_id IS NULL) = (actor_organisation_id IS NULL)
        AND (actor_user_id IS NULL) = (actor_role IS NULL))
);

CREATE TABLE audit.audit_checkpoints (
    seq        INTEGER PRIMARY KEY,
    hash       TEXT NOT NULL,
    signature  TEXT NOT NULL,
    signed_at  TEXT NOT NULL,
    key_id     TEXT NOT NULL
);

CREATE TABLE audit.audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   INTEGER NOT NULL,
    hash  TEXT NOT NULL
);

INSERT INTO audit.audit_log SELECT * FROM main.audit_log ORDER BY seq;
INSERT INTO audit.audit_checkpoints SELECT * FROM main.audit_checkpoints ORDER BY seq;
INSERT INTO audit.audit_head SELECT * FROM main.audit_head;

DROP TABLE main.audit_log;
DROP TABLE main.audit_checkpoints;
DROP TABLE main.audit_head;

CREATE INDEX audit.audit_log_person_idx ON audit_log (person_id, seq);
CREATE INDEX audit.audit_log_user_idx ON audit_log (actor_user_id, seq);
CREATE INDEX audit.audit_log_organisation_idx ON audit_log (actor_organisation_id, seq);
CREATE INDEX audit.audit_log_occurred_idx ON audit_log (occurred_at);

CREATE TRIGGER audit.audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;

CREATE TRIGGER audit.audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;

CREATE TRIGGER audit.audit_log_extends_chain BEFORE INSERT ON audit_log
WHEN NEW.seq IS NOT COALESCE((SELECT seq FROM audit_log ORDER BY seq DESC LIMIT 1), 0) + 1
  OR NEW.prev_hash IS NOT COALESCE((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1),
        '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only: a new entry must follow the last one');
END;

CREATE TRIGGER audit.audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;

CREATE TRIGGER audit.audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;

CREATE TRIGGER audit.audit_checkpoints_no_replace BEFORE INSERT ON audit_checkpoints
WHEN EXISTS (SELECT 1 FROM audit_checkpoints WHERE seq = NEW.seq)
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;

CREATE TRIGGER audit.audit_head_forward_only BEFORE UPDATE ON audit_head
WHEN NEW.seq < OLD.seq OR NEW.id IS NOT OLD.id
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only: the head only moves forward');
END;

CREATE TRIGGER audit.audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;

CREATE TRIGGER audit.audit_head_no_insert BEFORE INSERT ON audit_head
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;
