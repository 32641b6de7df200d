-- Contact events that arrived without an NHS number: held until they are
-- matched to a person — automatically when the match is near certain, by
-- a reviewer of the sending organisation when it is not — or left
-- unmatched. Each keeps the event as it was sent and the details it was
-- sent with, so that nothing of it is lost whatever is decided.
CREATE TABLE held_events (
    id                  TEXT PRIMARY KEY,
    organisation_id     TEXT NOT NULL REFERENCES organisations (id),
    source_user_id      TEXT NOT NULL REFERENCES users (id),
    -- The purpose of use the sender's token carried: the event is
    -- recorded under it when it is matched.
    purpose             TEXT NOT NULL,
    event_id            TEXT NOT NULL,
    kind                TEXT NOT NULL,
    occurred_at         TEXT NOT NULL,
    payload             TEXT NOT NULL,
    given_name          TEXT,
    family_name         TEXT,
    birth_date          TEXT,
    postcode            TEXT,
    phone               TEXT,
    sex                 TEXT,
    identifier_system   TEXT,
    identifier_value    TEXT,
    status              TEXT NOT NULL
        CHECK (status IN ('waiting', 'review', 'unmatched', 'linked', 'not-recorded')),
    received_at         TEXT NOT NULL,
    matched_at          TEXT,
    person_id           TEXT REFERENCES persons (id),
    contact_event_id    TEXT,
    decided_by          TEXT REFERENCES users (id),
    decided_at          TEXT,
    decision_note       TEXT NOT NULL DEFAULT '',
    unsure              INTEGER NOT NULL DEFAULT 0,
    UNIQUE (source_user_id, event_id)
);
CREATE INDEX held_events_queue_idx ON held_events (organisation_id, status, received_at);
CREATE INDEX held_events_status_idx ON held_events (status, received_at);

-- The people a held event may be, best first, each with the evidence the
-- reviewer sees (the match probability and each field's level and
-- weight, as JSON), kept after the decision so that it can be read back.
CREATE TABLE held_event_candidates (
    held_event_id       TEXT NOT NULL REFERENCES held_events (id),
    person_id           TEXT NOT NULL REFERENCES persons (id),
    rank                INTEGER NOT NULL,
    evidence            TEXT NOT NULL,
    PRIMARY KEY (held_event_id, person_id)
);
