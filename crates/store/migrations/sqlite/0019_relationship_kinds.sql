-- Two more things a relationship can come from, each as narrow as the act
-- that makes it: membership of a multi-agency case about the person
-- ('case-member', for the member or team it names, while the case is open)
-- and a reviewer comparing a contact that arrived without an NHS number
-- with a possible match ('match-review', for the reviewer alone, the
-- person's demographics only, while the review is open).
--
-- SQLite cannot change a CHECK constraint, so the table is made again
-- with the same columns and indexes; nothing refers to it.
CREATE TABLE care_relationships_next (
    id               TEXT PRIMARY KEY,
    person_id        TEXT NOT NULL REFERENCES persons (id),
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    user_id          TEXT REFERENCES users (id),
    kind             TEXT NOT NULL CHECK (kind IN (
        'active-contact', 'referral', 'crisis-lookup', 'case-member', 'match-review')),
    reason           TEXT NOT NULL,
    started_at       TEXT NOT NULL,
    ends_at          TEXT NOT NULL,
    team_id          TEXT REFERENCES teams (id),
    contact_kind     TEXT
);
INSERT INTO care_relationships_next
    (id, person_id, organisation_id, user_id, kind, reason, started_at, ends_at, team_id, contact_kind)
SELECT id, person_id, organisation_id, user_id, kind, reason, started_at, ends_at, team_id, contact_kind
FROM care_relationships;
DROP TABLE care_relationships;
ALTER TABLE care_relationships_next RENAME TO care_relationships;
CREATE INDEX care_relationships_person_org_idx ON care_relationships (person_id, organisation_id);
CREATE INDEX care_relationships_org_person_idx ON care_relationships (organisation_id, person_id);
