-- Bulk Data exports (FHIR `$export`). An export is asked for by one user
-- under one purpose of use, and works through the people it covers in the
-- order of their ids: `cursor` is the last person written, so an export
-- interrupted by a restart goes on from there. Each batch of people is
-- written as files and the cursor moved in one transaction; a batch is
-- written only by the holder of the cursor it started from.
CREATE TABLE bulk_exports (
    id                TEXT PRIMARY KEY,
    user_id           TEXT NOT NULL REFERENCES users (id),
    purpose           TEXT NOT NULL,
    -- system | patient | group
    level             TEXT NOT NULL,
    -- the team whose caseload a group-level export covers
    group_id          TEXT,
    -- the resource types asked for, comma-separated
    types             TEXT NOT NULL,
    since             TEXT,
    request           TEXT NOT NULL,
    -- running | complete | failed
    status            TEXT NOT NULL,
    cursor            TEXT NOT NULL,
    people_total      INTEGER NOT NULL,
    people_done       INTEGER NOT NULL,
    files_written     INTEGER NOT NULL,
    error             TEXT,
    created_at        TEXT NOT NULL,
    completed_at      TEXT,
    expires_at        TEXT NOT NULL
);
CREATE INDEX bulk_exports_user_idx ON bulk_exports (user_id);

-- Each file of an export's output: NDJSON, one resource per line.
CREATE TABLE bulk_export_files (
    export_id      TEXT NOT NULL REFERENCES bulk_exports (id),
    seq            INTEGER NOT NULL,
    resource_type  TEXT NOT NULL,
    count          INTEGER NOT NULL,
    body           TEXT NOT NULL,
    CONSTRAINT bulk_export_files_pkey PRIMARY KEY (export_id, seq)
);

-- The people an organisation has relationships with, in order: the
-- people an export covers are read from here a batch at a time.
CREATE INDEX care_relationships_org_person_idx ON care_relationships (organisation_id, person_id);
