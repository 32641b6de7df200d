-- A crisis look-up is an audited act that is itself a relationship: the
-- officer or paramedic who looked someone up may read their crisis summary
-- for a few hours, and no one else gains anything by it. It is written in
-- the transaction of the look-up's audit entry and moves no one's access
-- version (nobody else's facts change). On SQLite the table lives in the
-- audit's file; here, in the one database. One row per user, person and
-- reason: a look-up again for the same reason lasts longer, never shorter.
CREATE TABLE look_ups (
    id               TEXT PRIMARY KEY,
    user_id          TEXT NOT NULL,
    organisation_id  TEXT NOT NULL,
    person_id        TEXT NOT NULL,
    reason           TEXT NOT NULL,
    started_at       TEXT NOT NULL,
    ends_at          TEXT NOT NULL
);
CREATE UNIQUE INDEX look_ups_user_person_idx
    ON look_ups (user_id, person_id, organisation_id, reason);

INSERT INTO look_ups (id, user_id, organisation_id, person_id, reason, started_at, ends_at)
SELECT MIN(id), user_id, organisation_id, person_id, reason, MIN(started_at), MAX(ends_at)
FROM care_relationships
WHERE kind = 'crisis-lookup' AND user_id IS NOT NULL
GROUP BY user_id, person_id, organisation_id, reason;
DELETE FROM care_relationships WHERE kind = 'crisis-lookup';
