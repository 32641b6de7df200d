-- The multi-agency case: professionals of several partners working with
-- one person to one shared plan, led by one of them. A case is open until
-- it is closed with an outcome, and is kept afterwards as the record of
-- what was done.
CREATE TABLE cases (
    id               TEXT PRIMARY KEY,
    person_id        TEXT NOT NULL REFERENCES persons (id),
    reason           TEXT NOT NULL,
    lead_user_id     TEXT NOT NULL REFERENCES users (id),
    status           TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    opened_by        TEXT NOT NULL REFERENCES users (id),
    opened_at        TEXT NOT NULL,
    outcome          TEXT,
    closing_note     TEXT NOT NULL DEFAULT '',
    closed_by        TEXT REFERENCES users (id),
    closed_at        TEXT
);
CREATE INDEX cases_person_idx ON cases (person_id, status);

-- Who works on a case, each membership from when it began to when it
-- ended (the member removed, or the case closed). The access it gives is
-- the 'case-member' relationship it names, written with the audit entry
-- that says why; ending one ends the other in the same transaction.
CREATE TABLE case_members (
    id               TEXT PRIMARY KEY,
    case_id          TEXT NOT NULL REFERENCES cases (id),
    user_id          TEXT NOT NULL REFERENCES users (id),
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    relationship_id  TEXT NOT NULL,
    added_by         TEXT NOT NULL REFERENCES users (id),
    added_at         TEXT NOT NULL,
    ended_at         TEXT
);
CREATE INDEX case_members_case_idx ON case_members (case_id, ended_at);
CREATE INDEX case_members_user_idx ON case_members (user_id, ended_at);

-- The shared plan's actions: each has an owner (a member) and a due day,
-- and escalates when it is missed — to its owner, then to the lead —
-- through the scheduler's jobs; escalation_step is the last step taken,
-- so a step runs once.
CREATE TABLE case_actions (
    id               TEXT PRIMARY KEY,
    case_id          TEXT NOT NULL REFERENCES cases (id),
    what             TEXT NOT NULL,
    owner_user_id    TEXT NOT NULL REFERENCES users (id),
    due_on           TEXT NOT NULL,
    added_by         TEXT NOT NULL REFERENCES users (id),
    added_at         TEXT NOT NULL,
    done_at          TEXT,
    done_by          TEXT REFERENCES users (id),
    done_note        TEXT NOT NULL DEFAULT '',
    escalation_step  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX case_actions_case_idx ON case_actions (case_id, due_on);

-- Review meetings: when, who attended, what was said.
CREATE TABLE case_meetings (
    id               TEXT PRIMARY KEY,
    case_id          TEXT NOT NULL REFERENCES cases (id),
    held_on          TEXT NOT NULL,
    notes            TEXT NOT NULL,
    recorded_by      TEXT NOT NULL REFERENCES users (id),
    recorded_at      TEXT NOT NULL
);
CREATE INDEX case_meetings_case_idx ON case_meetings (case_id, held_on);

CREATE TABLE case_meeting_attendees (
    meeting_id       TEXT NOT NULL REFERENCES case_meetings (id),
    user_id          TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (meeting_id, user_id)
);
