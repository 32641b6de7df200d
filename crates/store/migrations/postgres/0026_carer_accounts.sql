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
ALTER TABLE users ADD COLUMN carer_related_person_id TEXT REFERENCES related_persons (id);
ALTER TABLE users ADD COLUMN carer_withdrawn_at TEXT;
ALTER TABLE users ADD CONSTRAINT users_carer_role_check
    CHECK ((role = 'carer') = (carer_related_person_id IS NOT NULL));
CREATE INDEX users_carer_person_idx ON users (carer_person_id);

ALTER TABLE carer_sharing DROP CONSTRAINT carer_sharing_topic_check;
ALTER TABLE carer_sharing ADD CONSTRAINT carer_sharing_topic_check CHECK (topic IN
    ('admission', 'discharge', 'crisis-contact', 'who-to-call', 'what-helps'));

ALTER TABLE best_interests_decisions ADD COLUMN carer_related_person_id TEXT
    REFERENCES related_persons (id);
ALTER TABLE best_interests_decisions ADD COLUMN carer_items TEXT;
