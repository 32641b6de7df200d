-- A person's requests to correct something wrong in their record, each
-- sent to the record's owner (the lead professional of their care team)
-- to answer within a calendar month; escalation_step is the last step of
-- escalation taken, so each step runs once.
CREATE TABLE corrections (
    id               TEXT PRIMARY KEY,
    person_id        TEXT NOT NULL REFERENCES persons (id),
    part             TEXT NOT NULL,
    what_is_wrong    TEXT NOT NULL,
    should_say       TEXT NOT NULL DEFAULT '',
    asked_at         TEXT NOT NULL,
    owner_user_id    TEXT NOT NULL REFERENCES users (id),
    answer_by        TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('open', 'corrected', 'not-corrected')),
    answer           TEXT NOT NULL DEFAULT '',
    answered_by      TEXT REFERENCES users (id),
    answered_at      TEXT,
    escalation_step  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX corrections_person_idx ON corrections (person_id, asked_at);
CREATE INDEX corrections_owner_idx ON corrections (owner_user_id, status);
