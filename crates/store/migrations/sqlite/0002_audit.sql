-- The audit log: one entry per access decision, allowed or denied, chained by
-- hash and sealed by signed checkpoints (see src/audit/mod.rs for the chain
-- and its canonical encoding). Same conventions as 0001.
--
-- Append-only is enforced here as well as in the code: triggers refuse every
-- UPDATE and DELETE of entries and checkpoints, and refuse an insert that does
-- not extend the chain by exactly one. Someone with the power to drop the
-- triggers can still change rows; the hash chain and checkpoints make that
-- visible to `concordat audit verify`.

-- No foreign keys: an entry must outlive what it names (a user later removed,
-- a look-up of a person who does not exist), and must never fail to be written
-- because of them.
CREATE TABLE audit_log (
    -- 1, 2, 3, … with no gaps, assigned by the single writer
    seq                    INTEGER PRIMARY KEY,
    occurred_at            TEXT NOT NULL,
    -- the actor, all four set or (for system events) all NULL; the username
    -- is copied so the log reads without joins
    actor_user_id          TEXT,
    actor_username         TEXT,
    actor_organisation_id  TEXT,
    actor_role             TEXT,
    -- HL7 ActReason code of the purpose of use (TREAT, ETREAT, …)
    purpose                TEXT,
    person_id              TEXT,
    action                 TEXT NOT NULL,
    -- data categories, comma-separated in a fixed order (e.g. `demographics,risk`)
    categories             TEXT NOT NULL,
    outcome                TEXT NOT NULL CHECK (outcome IN ('allowed', 'denied')),
    -- JSON arrays of strings: the reasons in plain English, the deciding policies
    reasons                TEXT NOT NULL,
    policy_ids             TEXT NOT NULL,
    break_glass            INTEGER NOT NULL CHECK (break_glass IN (0, 1)),
    -- lowercase hex SHA-256: the previous entry's hash (64 zeros for the first)
    -- and this entry's
    prev_hash              TEXT NOT NULL,
    hash                   TEXT NOT NULL,
    CONSTRAINT audit_log_actor_check CHECK (
        (actor_user_id IS NULL) = (actor_username IS NULL)
        AND (actor_user_id IS NULL) = (actor_organisation_id IS NULL)
        AND (actor_user_id IS NULL) = (actor_role IS NULL))
);
-- the person's access log and searches by person, user or organisation, newest first
CREATE INDEX audit_log_person_idx ON audit_log (person_id, seq);
CREATE INDEX audit_log_user_idx ON audit_log (actor_user_id, seq);
CREATE INDEX audit_log_organisation_idx ON audit_log (actor_organisation_id, seq);
-- searches by date
CREATE INDEX audit_log_occurred_idx ON audit_log (occurred_at);

-- Each committed batch ends with a checkpoint: the last entry's (seq, hash)
-- signed with the node's ed25519 key, so that rewriting the chain needs the
-- key as well as the database.
CREATE TABLE audit_checkpoints (
    seq        INTEGER PRIMARY KEY,
    hash       TEXT NOT NULL,
    -- lowercase hex of the 64-byte ed25519 signature
    signature  TEXT NOT NULL,
    signed_at  TEXT NOT NULL,
    -- the first 8 bytes of the public key, in hex
    key_id     TEXT NOT NULL
);

-- The end of the chain, one row, moved forward by the writer in the same
-- transaction as the entries. It lets the writer find the last hash in one
-- read and lets `verify` notice entries cut from the end.
CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   INTEGER NOT NULL,
    hash  TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;

-- An insert must take the next seq and link to the last entry's hash. This
-- also closes `INSERT OR REPLACE`, whose implicit delete fires no DELETE
-- trigger while recursive triggers are off (the default).
CREATE TRIGGER audit_log_extends_chain BEFORE INSERT ON audit_log
WHEN NEW.seq IS NOT COALESCE((SELECT seq FROM audit_log ORDER BY seq DESC LIMIT 1), 0) + 1
  OR NEW.prev_hash IS NOT COALESCE((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1),
        '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only: a new entry must follow the last one');
END;

CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;

CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;

-- Same hole as above: a checkpoint is never replaced.
CREATE TRIGGER audit_checkpoints_no_replace BEFORE INSERT ON audit_checkpoints
WHEN EXISTS (SELECT 1 FROM audit_checkpoints WHERE seq = NEW.seq)
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;

-- The head only moves forward and is never removed.
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
WHEN NEW.seq < OLD.seq OR NEW.id IS NOT OLD.id
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only: the head only moves forward');
END;

CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;

-- `INSERT OR REPLACE INTO audit_head` would delete the row without firing the
-- DELETE trigger; there is only ever the one row, so refuse any insert.
CREATE TRIGGER audit_head_no_insert BEFORE INSERT ON audit_head
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;
