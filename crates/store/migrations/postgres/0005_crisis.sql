-- Crisis plans made with the person, safety flags, and contact events.
-- Same conventions as 0001: TEXT ids, fixed-width UTC text instants, dates
-- as YYYY-MM-DD, 0/1 integers for yes/no.

-- One plan per person. The columns after `latest_version` copy the agreed
-- version's facts so that coverage and overdue lists are one indexed scan,
-- not a walk through every version.
CREATE TABLE crisis_plans (
    id                    TEXT PRIMARY KEY,
    person_id             TEXT NOT NULL UNIQUE REFERENCES persons (id),
    created_at            TEXT NOT NULL,
    latest_version        BIGINT NOT NULL,
    agreed_version        BIGINT,
    agreed_at             TEXT,
    review_due            TEXT,
    agreed_says_what_does_not_help BIGINT NOT NULL DEFAULT 0 CHECK (agreed_says_what_does_not_help IN (0, 1))
);
CREATE INDEX crisis_plans_review_idx ON crisis_plans (review_due);

-- Every change is a new version; versions are never edited except to record
-- an agreement on them and to mark them superseded.
CREATE TABLE crisis_plan_versions (
    plan_id                    TEXT NOT NULL REFERENCES crisis_plans (id),
    number                     BIGINT NOT NULL,
    status                     TEXT NOT NULL CHECK (status IN ('draft', 'agreed', 'superseded')),
    sections                   TEXT NOT NULL,
    based_on                   BIGINT,
    author_user_id             TEXT REFERENCES users (id),
    author_name                TEXT NOT NULL,
    proposed_by_person         BIGINT NOT NULL CHECK (proposed_by_person IN (0, 1)),
    created_at                 TEXT NOT NULL,
    person_agreed_at           TEXT,
    person_agreed_via          TEXT,
    person_agreement_recorded_by TEXT REFERENCES users (id),
    person_agreement_recorder_name TEXT,
    professional_agreed_at     TEXT,
    professional_agreed_via    TEXT,
    professional_user_id       TEXT REFERENCES users (id),
    professional_name          TEXT,
    agreed_at                  TEXT,
    review_due                 TEXT,
    CONSTRAINT crisis_plan_versions_pkey PRIMARY KEY (plan_id, number)
);

CREATE TABLE safety_flags (
    id                  TEXT PRIMARY KEY,
    person_id           TEXT NOT NULL REFERENCES persons (id),
    category            TEXT NOT NULL,
    severity            TEXT NOT NULL,
    summary             TEXT NOT NULL,
    basis               TEXT NOT NULL,
    raised_by           TEXT NOT NULL REFERENCES users (id),
    raised_by_name      TEXT NOT NULL,
    organisation_id     TEXT NOT NULL REFERENCES organisations (id),
    raised_at           TEXT NOT NULL,
    review_on           TEXT NOT NULL,
    ends_on             TEXT,
    status              TEXT NOT NULL CHECK (status IN ('active', 'inactive')),
    closed_reason       TEXT
);
CREATE INDEX safety_flags_person_idx ON safety_flags (person_id);

-- Each review of a flag: kept, with a new review date, or made inactive.
CREATE TABLE safety_flag_reviews (
    flag_id             TEXT NOT NULL REFERENCES safety_flags (id),
    reviewed_at         TEXT NOT NULL,
    reviewed_by         TEXT NOT NULL REFERENCES users (id),
    reviewer_name       TEXT NOT NULL,
    outcome             TEXT NOT NULL CHECK (outcome IN ('kept', 'made-inactive')),
    note                TEXT NOT NULL,
    next_review_on      TEXT
);
CREATE INDEX safety_flag_reviews_flag_idx ON safety_flag_reviews (flag_id);

-- Contacts with services: recorded by a user, or ingested from a source
-- system (then idempotent by that system's own event id).
CREATE TABLE contact_events (
    id                  TEXT PRIMARY KEY,
    person_id           TEXT NOT NULL REFERENCES persons (id),
    kind                TEXT NOT NULL,
    occurred_at         TEXT NOT NULL,
    recorded_at         TEXT NOT NULL,
    recorded_by         TEXT REFERENCES users (id),
    recorder_name       TEXT NOT NULL,
    organisation_id     TEXT REFERENCES organisations (id),
    outcome             TEXT NOT NULL,
    note                TEXT NOT NULL,
    source_system       TEXT,
    source_event_id     TEXT,
    CONSTRAINT contact_events_source_key UNIQUE (source_system, source_event_id)
);
CREATE INDEX contact_events_person_idx ON contact_events (person_id, occurred_at);
