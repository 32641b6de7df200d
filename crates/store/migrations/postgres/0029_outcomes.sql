-- The partnership's monthly outcome figures, kept by the scheduler and
-- rebuilt by `concordat outcomes rebuild`: one row per measure, month,
-- organisation ('' for the whole partnership) and organisation at the
-- other end ('' where a measure has none). A month is recomputed whole
-- and replaced, so computing it again changes nothing. Counts only —
-- nobody is named here — and the dashboard reads nothing else.
CREATE TABLE outcome_figures (
    month            TEXT NOT NULL,
    measure          TEXT NOT NULL,
    organisation_id  TEXT NOT NULL,
    partner_id       TEXT NOT NULL,
    count            BIGINT NOT NULL,
    median           DOUBLE PRECISION,
    p90              DOUBLE PRECISION,
    CONSTRAINT outcome_figures_pkey PRIMARY KEY (month, measure, organisation_id, partner_id)
);

-- When each month was last computed, and from how many records.
CREATE TABLE outcome_months (
    month         TEXT PRIMARY KEY,
    computed_at   TEXT NOT NULL,
    records       BIGINT NOT NULL
);

-- A month's history is read by time.
CREATE INDEX contact_events_occurred_idx ON contact_events (occurred_at);
CREATE INDEX referrals_created_idx ON referrals (created_at);
CREATE INDEX break_glass_granted_idx ON break_glass (granted_at);
