-- Two records found to be one person, merged by a reviewer: the record
-- started from contacts (`merged_id`) is folded into the fuller one
-- (`kept_id`). Neither record is rewritten: what moved — identifiers,
-- contacts, the relationships those contacts opened, held events, entries
-- on the frequent-contact list — is listed by id in `moved` (JSON), so an
-- undo moves exactly those back and both records are as they were.
CREATE TABLE person_merges (
    id               TEXT PRIMARY KEY,
    kept_id          TEXT NOT NULL REFERENCES persons (id),
    merged_id        TEXT NOT NULL REFERENCES persons (id),
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    -- The sender's id of the held event the reviewer was deciding, which
    -- listed both records: how the reviewer knows the merge again.
    event_id         TEXT NOT NULL,
    -- Each record as the reviewer saw it (name, NHS number or none).
    kept_label       TEXT NOT NULL,
    merged_label     TEXT NOT NULL,
    merged_by        TEXT NOT NULL REFERENCES users (id),
    merged_at        TEXT NOT NULL,
    note             TEXT NOT NULL DEFAULT '',
    moved            TEXT NOT NULL,
    undone_by        TEXT REFERENCES users (id),
    undone_at        TEXT,
    undo_note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX person_merges_organisation_idx ON person_merges (organisation_id, merged_at);
CREATE INDEX person_merges_kept_idx ON person_merges (kept_id);

-- A merged record points at the record it is now part of, and is left out
-- of searches, look-ups and matching until the merge is undone.
ALTER TABLE persons ADD COLUMN merged_into TEXT REFERENCES persons (id);
