-- Frequent contact across agencies: one entry each time a person's
-- emergency contacts pass the threshold, kept while it is current
-- (identified, or reviewed) and afterwards as the record of what happened.
-- The only next steps that exist are help: an offer of support, a crisis
-- plan review, a multi-agency case.
CREATE TABLE frequent_contact_entries (
    id               TEXT PRIMARY KEY,
    person_id        TEXT NOT NULL REFERENCES persons (id),
    team_id          TEXT NOT NULL REFERENCES teams (id),
    identified_at    TEXT NOT NULL,
    last_month       INTEGER NOT NULL,
    last_year        INTEGER NOT NULL,
    agencies         INTEGER NOT NULL,
    status           TEXT NOT NULL,
    review_by        TEXT NOT NULL,
    next_step        TEXT,
    note             TEXT NOT NULL DEFAULT '',
    reviewed_by      TEXT REFERENCES users (id),
    reviewer_name    TEXT NOT NULL DEFAULT '',
    reviewed_at      TEXT,
    ended_at         TEXT,
    asked_review_at  TEXT,
    asked_words      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX frequent_contact_person_idx ON frequent_contact_entries (person_id, status);
CREATE INDEX frequent_contact_status_idx ON frequent_contact_entries (status, review_by);

-- The team that offers support to the people on the list: it is given a
-- relationship with each of them for as long as their entry is current.
ALTER TABLE teams ADD COLUMN offers_frequent_contact_support INTEGER NOT NULL DEFAULT 0 CHECK (offers_frequent_contact_support IN (0, 1));

-- The NHS ethnic category (Data Dictionary codes A to S, Z for not stated),
-- so that governance can see the list's make-up and spot
-- disproportionality.
ALTER TABLE persons ADD COLUMN ethnic_category TEXT;
-- Sex as recorded (FHIR administrative gender: female, male, other,
-- unknown), for the same view.
ALTER TABLE persons ADD COLUMN sex TEXT;
