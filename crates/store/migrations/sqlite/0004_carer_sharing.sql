-- The person's choices about what each nominated carer may be told: that
-- they have been admitted, that they are being discharged, that they have
-- been in contact with crisis services. One row per carer and topic, holding
-- the current choice; a topic with no row has never been agreed, and a carer
-- is told nothing the person has not agreed to. Every change is also in the
-- audit log, so the history is kept there. Same conventions as 0001.
CREATE TABLE carer_sharing (
    person_id          TEXT NOT NULL REFERENCES persons (id),
    related_person_id  TEXT NOT NULL REFERENCES related_persons (id),
    topic              TEXT NOT NULL CHECK (topic IN ('admission', 'discharge', 'crisis-contact')),
    may_tell           INTEGER NOT NULL CHECK (may_tell IN (0, 1)),
    recorded_by        TEXT NOT NULL REFERENCES users (id),
    recorded_at        TEXT NOT NULL,
    CONSTRAINT carer_sharing_pkey PRIMARY KEY (related_person_id, topic)
);
CREATE INDEX carer_sharing_person_idx ON carer_sharing (person_id);
