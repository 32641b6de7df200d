-- Carers' own accounts. A carer the person (or their care team) invites
-- signs in with the role 'carer', linked to the person they care for and
-- to the related person the record names them as; the person withdraws
-- the account's access (carer_withdrawn_at) and may give it back. What
-- the carer sees is chosen item by item in carer_sharing, which gains the
-- two items read from the crisis plan. An invitation is the account with
-- a one-time set-password link (password_links), as for staff. A
-- best-interests decision, made when the person cannot choose, may share
-- items with a nominated carer: it keeps whom and what, and the items are
-- recorded with the person's choices for that carer.
ALTER TABLE users ADD COLUMN carer_person_id TEXT REFERENCES persons (id);
ALTER TABLE users ADD COLUMN carer_related_person_id TEXT REFERENCES related_persons (id)
    CHECK ((role = 'carer') = (carer_related_person_id IS NOT NULL));
ALTER TABLE users ADD COLUMN carer_withdrawn_at TEXT;
CREATE INDEX users_carer_person_idx ON users (carer_person_id);

CREATE TABLE carer_sharing_items (
    person_id          TEXT NOT NULL REFERENCES persons (id),
    related_person_id  TEXT NOT NULL REFERENCES related_persons (id),
    topic              TEXT NOT NULL CHECK (topic IN
        ('admission', 'discharge', 'crisis-contact', 'who-to-call', 'what-helps')),
    may_tell           INTEGER NOT NULL CHECK (may_tell IN (0, 1)),
    recorded_by        TEXT NOT NULL REFERENCES users (id),
    recorded_at        TEXT NOT NULL,
    CONSTRAINT carer_sharing_pkey PRIMARY KEY (related_person_id, topic)
);
INSERT INTO carer_sharing_items
    (person_id, related_person_id, topic, may_tell, recorded_by, recorded_at)
SELECT person_id, related_person_id, topic, may_tell, recorded_by, recorded_at
FROM carer_sharing;
DROP TABLE carer_sharing;
ALTER TABLE carer_sharing_items RENAME TO carer_sharing;
CREATE INDEX carer_sharing_person_idx ON carer_sharing (person_id);

ALTER TABLE best_interests_decisions ADD COLUMN carer_related_person_id TEXT
    REFERENCES related_persons (id);
ALTER TABLE best_interests_decisions ADD COLUMN carer_items TEXT;
