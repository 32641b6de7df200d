-- Referrals between partners, their timelines, and what each agreement
-- promises for them. Same conventions as 0001.

-- An agreement's deadlines per urgency (JSON, see ServiceLevels) and the
-- partnership's escalation contact: the second step of every escalation.
CREATE TABLE agreement_service_levels (
    agreement_id        TEXT PRIMARY KEY REFERENCES agreements (id),
    levels              TEXT NOT NULL,
    escalation_user_id  TEXT REFERENCES users (id),
    updated_by          TEXT NOT NULL REFERENCES users (id),
    updated_at          TEXT NOT NULL
);

CREATE TABLE referrals (
    id                   TEXT PRIMARY KEY,
    person_id            TEXT NOT NULL REFERENCES persons (id),
    from_user_id         TEXT NOT NULL REFERENCES users (id),
    from_organisation_id TEXT NOT NULL REFERENCES organisations (id),
    to_team_id           TEXT NOT NULL REFERENCES teams (id),
    to_organisation_id   TEXT NOT NULL REFERENCES organisations (id),
    agreement_id         TEXT NOT NULL REFERENCES agreements (id),
    urgency              TEXT NOT NULL CHECK (urgency IN ('emergency', 'urgent', 'routine')),
    reason               TEXT NOT NULL,
    sections             TEXT NOT NULL,
    status               TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    acknowledge_due      TEXT NOT NULL,
    respond_due          TEXT NOT NULL,
    acknowledged_at      TEXT,
    acknowledged_by      TEXT REFERENCES users (id),
    decided_at           TEXT,
    decided_by           TEXT REFERENCES users (id),
    decision_note        TEXT,
    redirected_from      TEXT REFERENCES referrals (id),
    escalation_step      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX referrals_to_team_idx ON referrals (to_team_id, created_at);
CREATE INDEX referrals_from_user_idx ON referrals (from_user_id, created_at);
CREATE INDEX referrals_person_idx ON referrals (person_id);

-- Each thing that happened to a referral, in order: sent, acknowledged,
-- escalated, declined (with why)… The page's timeline.
CREATE TABLE referral_events (
    referral_id    TEXT NOT NULL REFERENCES referrals (id),
    seq            BIGINT NOT NULL,
    at             TEXT NOT NULL,
    kind           TEXT NOT NULL,
    actor_user_id  TEXT REFERENCES users (id),
    actor_name     TEXT NOT NULL,
    note           TEXT NOT NULL,
    CONSTRAINT referral_events_pkey PRIMARY KEY (referral_id, seq)
);
