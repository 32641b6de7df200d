-- The audit log: one entry per access decision, allowed or denied, chained by
-- hash and sealed by signed checkpoints (see src/audit/mod.rs for the chain
-- and its canonical encoding). Same conventions as 0001.
--
-- Append-only is enforced here as well as in the code: triggers refuse every
-- UPDATE, DELETE and TRUNCATE of entries and checkpoints, and refuse an insert
-- that does not extend the chain by exactly one. Someone with the power to
-- disable the triggers can still change rows; the hash chain and checkpoints
-- make that visible to `concordat audit verify`.

-- No foreign keys: an entry must outlive what it names (a user later removed,
-- a look-up of a person who does not exist), and must never fail to be written
-- because of them.
CREATE TABLE audit_log (
    -- 1, 2, 3, … with no gaps, assigned by the writer holding audit_head's lock
    seq                    BIGINT PRIMARY KEY,
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
    -- JSON arrays of strings, kept as TEXT (not JSONB) so the bytes hashed are
    -- the bytes stored: the reasons in plain English, the deciding policies
    reasons                TEXT NOT NULL,
    policy_ids             TEXT NOT NULL,
    break_glass            BIGINT NOT NULL CHECK (break_glass IN (0, 1)),
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
    seq        BIGINT PRIMARY KEY,
    hash       TEXT NOT NULL,
    -- lowercase hex of the 64-byte ed25519 signature
    signature  TEXT NOT NULL,
    signed_at  TEXT NOT NULL,
    -- the first 8 bytes of the public key, in hex
    key_id     TEXT NOT NULL
);

-- The end of the chain, one row. Every writer locks it (SELECT … FOR UPDATE)
-- before appending, so several nodes on one database extend one chain in
-- turn instead of forking it, and moves it forward in the same transaction.
CREATE TABLE audit_head (
    id    BIGINT PRIMARY KEY CHECK (id = 1),
    seq   BIGINT NOT NULL,
    hash  TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only';
END;
$$;

-- An insert must take the next seq and link to the last entry's hash.
-- Row triggers see the rows of the same statement inserted before them, so a
-- multi-row insert is checked row by row.
CREATE FUNCTION audit_log_extends_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_seq   BIGINT := 0;
    last_hash  TEXT := repeat('0', 64);
BEGIN
    SELECT seq, hash INTO last_seq, last_hash FROM audit_log ORDER BY seq DESC LIMIT 1;
    IF NOT FOUND THEN
        last_seq := 0;
        last_hash := repeat('0', 64);
    END IF;
    IF NEW.seq <> last_seq + 1 OR NEW.prev_hash <> last_hash THEN
        RAISE EXCEPTION 'audit entries are append-only: entry % does not follow entry %',
            NEW.seq, last_seq;
    END IF;
    RETURN NEW;
END;
$$;

-- The head only moves forward.
CREATE FUNCTION audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.seq < OLD.seq OR NEW.id <> OLD.id THEN
        RAISE EXCEPTION 'audit entries are append-only: the head only moves forward';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_log_extends_chain BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_extends_chain();

CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only();
CREATE TRIGGER audit_head_no_insert BEFORE INSERT ON audit_head
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
