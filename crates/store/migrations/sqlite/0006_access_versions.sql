-- Versions of the facts the access decision and the record read look at,
-- so a node may keep what it has read and prove it current with one cheap
-- read per request: a consent refusal, an agreement suspended or a user
-- disabled applies to the very next request, on every node sharing this
-- database. Every store function that writes such a fact moves the version
-- in the caller's transaction, after the write. Versions only go up.

-- Everything about one person: consent directives, care teams and their
-- members, relationships, break-glass overrides, field masks.
ALTER TABLE persons ADD COLUMN access_version INTEGER NOT NULL DEFAULT 0;

-- Everything partnership-wide: agreements (terms, parties, signatures,
-- status), organisations, user accounts. One row.
CREATE TABLE access_version (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  INTEGER NOT NULL
);
INSERT INTO access_version (id, version) VALUES (1, 0);
