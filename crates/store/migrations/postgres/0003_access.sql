-- What the access decision reads: information sharing agreements, the
-- person's consent directives and field masks, the relationships that make a
-- practitioner's interest legitimate, break-glass uses, and in-app
-- notifications (the first of which tell information governance about
-- break-glass). Same conventions as 0001.

-- One row per agreement, holding its current version. `terms` is the signed
-- content as JSON (parties, purposes, role grants, lawful basis, dates); the
-- columns beside it repeat what queries filter on.
CREATE TABLE agreements (
    id          TEXT PRIMARY KEY,
    version     BIGINT NOT NULL,
    title       TEXT NOT NULL,
    tier        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('draft', 'active', 'suspended', 'ended')),
    starts_on   TEXT NOT NULL,
    ends_on     TEXT,
    review_on   TEXT NOT NULL,
    terms       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- Which organisations are party to which agreement (current version), so the
-- decision finds an organisation's agreements without reading every one.
CREATE TABLE agreement_parties (
    agreement_id     TEXT NOT NULL REFERENCES agreements (id),
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    CONSTRAINT agreement_parties_pkey PRIMARY KEY (organisation_id, agreement_id)
);

-- Signatures, per version: a new version needs every party to sign again.
CREATE TABLE agreement_signatures (
    agreement_id     TEXT NOT NULL REFERENCES agreements (id),
    version          BIGINT NOT NULL,
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    signed_by        TEXT NOT NULL REFERENCES users (id),
    signed_at        TEXT NOT NULL,
    CONSTRAINT agreement_signatures_pkey PRIMARY KEY (agreement_id, version, organisation_id)
);

-- Every change to an agreement, in order: the version history.
CREATE TABLE agreement_history (
    agreement_id  TEXT NOT NULL REFERENCES agreements (id),
    seq           BIGINT NOT NULL,
    version       BIGINT NOT NULL,
    event         TEXT NOT NULL,
    status        TEXT NOT NULL,
    terms         TEXT NOT NULL,
    changed_by    TEXT NOT NULL REFERENCES users (id),
    changed_at    TEXT NOT NULL,
    CONSTRAINT agreement_history_pkey PRIMARY KEY (agreement_id, seq)
);

CREATE TABLE consent_directives (
    id               TEXT PRIMARY KEY,
    person_id        TEXT NOT NULL REFERENCES persons (id),
    effect           TEXT NOT NULL CHECK (effect IN ('permit', 'deny')),
    -- NULL means "any"
    organisation_id  TEXT REFERENCES organisations (id),
    category         TEXT,
    purpose          TEXT,
    recorded_by      TEXT NOT NULL REFERENCES users (id),
    recorded_at      TEXT NOT NULL,
    via              TEXT NOT NULL,
    capacity_note    TEXT,
    expires_at       TEXT,
    withdrawn_at     TEXT,
    withdrawn_by     TEXT REFERENCES users (id)
);
CREATE INDEX consent_directives_person_idx ON consent_directives (person_id);

-- Fields of a person's record withheld from everyone but the named roles
-- (an address withheld from all but the care team's crisis roles, say).
CREATE TABLE field_masks (
    id             TEXT PRIMARY KEY,
    person_id      TEXT NOT NULL REFERENCES persons (id),
    field          TEXT NOT NULL,
    visible_to     TEXT NOT NULL,
    reason         TEXT NOT NULL,
    recorded_by    TEXT NOT NULL REFERENCES users (id),
    recorded_at    TEXT NOT NULL,
    removed_at     TEXT
);
CREATE INDEX field_masks_person_idx ON field_masks (person_id);

-- Relationships other than care-team membership that give a practitioner's
-- organisation a legitimate interest: an active contact (street triage in
-- progress), an open referral, a crisis look-up with its reason. Each has an
-- end; an ended relationship grants nothing.
CREATE TABLE care_relationships (
    id               TEXT PRIMARY KEY,
    person_id        TEXT NOT NULL REFERENCES persons (id),
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    user_id          TEXT REFERENCES users (id),
    kind             TEXT NOT NULL CHECK (kind IN ('active-contact', 'referral', 'crisis-lookup')),
    reason           TEXT NOT NULL,
    started_at       TEXT NOT NULL,
    ends_at          TEXT NOT NULL
);
CREATE INDEX care_relationships_person_org_idx ON care_relationships (person_id, organisation_id);

CREATE TABLE break_glass (
    id                  TEXT PRIMARY KEY,
    user_id             TEXT NOT NULL REFERENCES users (id),
    organisation_id     TEXT NOT NULL REFERENCES organisations (id),
    person_id           TEXT NOT NULL REFERENCES persons (id),
    basis               TEXT NOT NULL,
    justification       TEXT NOT NULL,
    granted_at          TEXT NOT NULL,
    expires_at          TEXT NOT NULL,
    reviewed_by         TEXT REFERENCES users (id),
    reviewed_at         TEXT,
    review_appropriate  BIGINT CHECK (review_appropriate IN (0, 1)),
    review_note         TEXT,
    deferred_by         TEXT REFERENCES users (id),
    deferral_reason     TEXT,
    deferred_until      TEXT
);
CREATE INDEX break_glass_person_user_idx ON break_glass (person_id, user_id);
CREATE INDEX break_glass_organisation_idx ON break_glass (organisation_id, granted_at);

CREATE TABLE notifications (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id),
    kind        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    link        TEXT,
    created_at  TEXT NOT NULL,
    read_at     TEXT
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at);
