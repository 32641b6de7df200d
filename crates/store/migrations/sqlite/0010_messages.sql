-- Professional messages about a person: threads between named users and
-- teams across organisations, with read receipts and, when the sender asks,
-- an acknowledgement deadline that escalates like a referral's. Same
-- conventions as 0001.
CREATE TABLE message_threads (
    id                   TEXT PRIMARY KEY,
    person_id            TEXT NOT NULL REFERENCES persons (id),
    subject              TEXT NOT NULL,
    started_by           TEXT NOT NULL REFERENCES users (id),
    started_at           TEXT NOT NULL
);
CREATE INDEX message_threads_person_idx ON message_threads (person_id);

-- Who a thread is between: a named user, or a whole team.
CREATE TABLE message_participants (
    thread_id   TEXT NOT NULL REFERENCES message_threads (id),
    user_id     TEXT REFERENCES users (id),
    team_id     TEXT REFERENCES teams (id),
    CONSTRAINT message_participants_one CHECK ((user_id IS NULL) <> (team_id IS NULL))
);
CREATE INDEX message_participants_thread_idx ON message_participants (thread_id);
CREATE INDEX message_participants_user_idx ON message_participants (user_id);
CREATE INDEX message_participants_team_idx ON message_participants (team_id);

CREATE TABLE messages (
    id                 TEXT PRIMARY KEY,
    thread_id          TEXT NOT NULL REFERENCES message_threads (id),
    author_id          TEXT NOT NULL REFERENCES users (id),
    author_name        TEXT NOT NULL,
    body               TEXT NOT NULL,
    sent_at            TEXT NOT NULL,
    acknowledge_due    TEXT,
    acknowledged_at    TEXT,
    acknowledged_by    TEXT REFERENCES users (id),
    escalation_step    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX messages_thread_idx ON messages (thread_id, sent_at);

CREATE TABLE message_reads (
    message_id  TEXT NOT NULL REFERENCES messages (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    read_at     TEXT NOT NULL,
    CONSTRAINT message_reads_pkey PRIMARY KEY (message_id, user_id)
);
