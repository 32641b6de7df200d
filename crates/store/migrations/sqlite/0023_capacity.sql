-- Decision-specific capacity assessments, and best-interests decisions to
-- share made when an assessment found the person lacked capacity. The
-- person sees each in their own account from told_from: at once, or when
-- the recorder judged they could take it in.
CREATE TABLE capacity_assessments (
    id               TEXT PRIMARY KEY,
    person_id        TEXT NOT NULL REFERENCES persons (id),
    decision         TEXT NOT NULL,
    outcome          TEXT NOT NULL CHECK (outcome IN ('has-capacity', 'lacks-capacity')),
    reasons          TEXT NOT NULL,
    assessed_by      TEXT NOT NULL REFERENCES users (id),
    assessed_by_name TEXT NOT NULL,
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    assessed_at      TEXT NOT NULL,
    told_from        TEXT NOT NULL
);
CREATE INDEX capacity_assessments_person_idx ON capacity_assessments (person_id, assessed_at);

CREATE TABLE best_interests_decisions (
    id               TEXT PRIMARY KEY,
    person_id        TEXT NOT NULL REFERENCES persons (id),
    assessment_id    TEXT NOT NULL REFERENCES capacity_assessments (id),
    consulted        TEXT NOT NULL,
    known_wishes     TEXT NOT NULL,
    shared_what      TEXT NOT NULL,
    shared_with      TEXT NOT NULL,
    why              TEXT NOT NULL,
    decided_by       TEXT NOT NULL REFERENCES users (id),
    decided_by_name  TEXT NOT NULL,
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    decided_at       TEXT NOT NULL,
    told_from        TEXT NOT NULL
);
CREATE INDEX best_interests_person_idx ON best_interests_decisions (person_id, decided_at);
