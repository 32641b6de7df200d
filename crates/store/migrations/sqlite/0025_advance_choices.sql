-- A person's advance choices for a crisis. Each version of their document
-- is a row, witnessed by a professional; a new version supersedes the one
-- before (superseded_at), so every version stays readable. Its choices are
-- rows of their own: a choice to let something be seen names the crisis it
-- waits for; a refusal to hold even then names none.
CREATE TABLE advance_choice_documents (
    id                TEXT PRIMARY KEY,
    person_id         TEXT NOT NULL REFERENCES persons (id),
    version           INTEGER NOT NULL,
    statement         TEXT NOT NULL,
    witnessed_by      TEXT NOT NULL REFERENCES users (id),
    witnessed_by_name TEXT NOT NULL,
    witnessed_at      TEXT NOT NULL,
    review_by         TEXT NOT NULL,
    recorded_by       TEXT NOT NULL REFERENCES users (id),
    recorded_at       TEXT NOT NULL,
    superseded_at     TEXT,
    UNIQUE (person_id, version)
);

CREATE TABLE advance_choices (
    document_id      TEXT NOT NULL REFERENCES advance_choice_documents (id),
    position         INTEGER NOT NULL,
    effect           TEXT NOT NULL CHECK (effect IN ('let-during-crisis', 'refuse-even-in-crisis')),
    during           TEXT CHECK (during IN ('section-136', 'admission', 'any-crisis')),
    organisation_id  TEXT REFERENCES organisations (id),
    category         TEXT,
    purpose          TEXT,
    PRIMARY KEY (document_id, position),
    CHECK ((effect = 'let-during-crisis') = (during IS NOT NULL))
);
