-- Safeguarding those who safeguard: traumatic incidents staff attended
-- and the trauma-risk checks offered after them. Nothing here names a
-- person in crisis, so nothing can reach a person's record; these rows
-- are the staff member's and their organisation's wellbeing lead's, and
-- a line manager is told only that support was offered.

-- Whose line manager is whom (set by an administrator).
CREATE TABLE line_managers (
    user_id     TEXT PRIMARY KEY REFERENCES users (id),
    manager_id  TEXT NOT NULL REFERENCES users (id)
);
CREATE INDEX line_managers_manager_idx ON line_managers (manager_id);

CREATE TABLE traumatic_incidents (
    id               TEXT PRIMARY KEY,
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    kind             TEXT NOT NULL CHECK (kind IN
        ('death', 'serious-self-harm', 'suicide-attempt', 'restraint', 'child-at-risk')),
    occurred_at      TEXT NOT NULL,
    recorded_by      TEXT NOT NULL REFERENCES users (id),
    recorded_at      TEXT NOT NULL
);
CREATE INDEX traumatic_incidents_occurred_idx ON traumatic_incidents (occurred_at);

-- Each member of staff recorded as attending; their team as it was then.
CREATE TABLE incident_attendances (
    incident_id      TEXT NOT NULL REFERENCES traumatic_incidents (id),
    user_id          TEXT NOT NULL REFERENCES users (id),
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    team_id          TEXT REFERENCES teams (id),
    recorded_at      TEXT NOT NULL,
    opted_out_at     TEXT,
    CONSTRAINT incident_attendances_pkey PRIMARY KEY (incident_id, user_id)
);
CREATE INDEX incident_attendances_user_idx ON incident_attendances (user_id);
CREATE INDEX incident_attendances_organisation_idx ON incident_attendances (organisation_id);

-- The two checks of each attendance: only a band, and whether support
-- was taken up or an onward referral made, is kept of one done.
CREATE TABLE wellbeing_checks (
    incident_id       TEXT NOT NULL,
    user_id           TEXT NOT NULL,
    stage             TEXT NOT NULL CHECK (stage IN ('72-hours', 'one-month')),
    due_at            TEXT NOT NULL,
    outcome           TEXT CHECK (outcome IN ('done', 'declined')),
    band              TEXT CHECK (band IN ('low', 'raised', 'high')),
    support_taken_up  INTEGER CHECK (support_taken_up IN (0, 1)),
    onward_referral   INTEGER CHECK (onward_referral IN (0, 1)),
    ended_at          TEXT,
    recorded_by       TEXT REFERENCES users (id),
    CONSTRAINT wellbeing_checks_pkey PRIMARY KEY (incident_id, user_id, stage),
    CONSTRAINT wellbeing_checks_attendance_fkey FOREIGN KEY (incident_id, user_id)
        REFERENCES incident_attendances (incident_id, user_id),
    CONSTRAINT wellbeing_checks_done_has_band CHECK ((outcome = 'done') = (band IS NOT NULL))
);
