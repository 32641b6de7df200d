-- The foundation: the partnership's organisations, teams and users, the people
-- it cares for, and the records of sign-in (sessions, API tokens, throttling).
--
-- Conventions shared with the PostgreSQL schema (migrations/postgres):
--   * ids are UUIDs stored as text;
--   * instants are UTC text in the fixed form 2026-01-31T23:59:59.123456Z, so
--     text order is time order on both stores;
--   * booleans are integers 0/1 (the portable driver reads them on both stores);
--   * secrets (passwords, session ids, tokens) are never stored, only their hashes.

CREATE TABLE organisations (
    id          TEXT PRIMARY KEY,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    CONSTRAINT organisations_code_key UNIQUE (code)
);

CREATE TABLE teams (
    id               TEXT PRIMARY KEY,
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    name             TEXT NOT NULL,
    duty_phone       TEXT,
    CONSTRAINT teams_organisation_name_key UNIQUE (organisation_id, name)
);

CREATE TABLE persons (
    id             TEXT PRIMARY KEY,
    given_name     TEXT NOT NULL,
    family_name    TEXT NOT NULL,
    -- lower-case copy for look-up by surname and date of birth
    family_name_key TEXT NOT NULL,
    birth_date     TEXT NOT NULL,
    -- address lines as a JSON array of strings; town and postcode kept apart
    -- because the postcode narrows a look-up
    address_lines  TEXT,
    town           TEXT,
    postcode       TEXT,
    phone          TEXT,
    created_at     TEXT NOT NULL
);
CREATE INDEX persons_family_birth_idx ON persons (family_name_key, birth_date);

-- Identifiers each agency holds for a person; a value is unique within its system,
-- so one NHS number names one person.
CREATE TABLE person_identifiers (
    system     TEXT NOT NULL,
    value      TEXT NOT NULL,
    person_id  TEXT NOT NULL REFERENCES persons (id),
    CONSTRAINT person_identifiers_pkey PRIMARY KEY (system, value)
);
CREATE INDEX person_identifiers_person_idx ON person_identifiers (person_id);

CREATE TABLE related_persons (
    id               TEXT PRIMARY KEY,
    person_id        TEXT NOT NULL REFERENCES persons (id),
    given_name       TEXT NOT NULL,
    family_name      TEXT NOT NULL,
    relationship     TEXT NOT NULL,
    phone            TEXT,
    email            TEXT,
    nominated_carer  INTEGER NOT NULL CHECK (nominated_carer IN (0, 1))
);
CREATE INDEX related_persons_person_idx ON related_persons (person_id);

CREATE TABLE users (
    id               TEXT PRIMARY KEY,
    username         TEXT NOT NULL,
    display_name     TEXT NOT NULL,
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    team_id          TEXT REFERENCES teams (id),
    role             TEXT NOT NULL,
    -- set only for a person's own account (role 'person')
    person_id        TEXT REFERENCES persons (id),
    password_hash    TEXT NOT NULL,
    disabled         INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at       TEXT NOT NULL,
    CONSTRAINT users_username_key UNIQUE (username),
    CONSTRAINT users_person_role_check CHECK ((role = 'person') = (person_id IS NOT NULL))
);

CREATE TABLE care_teams (
    id            TEXT PRIMARY KEY,
    person_id     TEXT NOT NULL REFERENCES persons (id),
    name          TEXT NOT NULL,
    lead_user_id  TEXT NOT NULL REFERENCES users (id)
);
CREATE INDEX care_teams_person_idx ON care_teams (person_id);

CREATE TABLE care_team_members (
    care_team_id     TEXT NOT NULL REFERENCES care_teams (id),
    user_id          TEXT NOT NULL REFERENCES users (id),
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    responsibility   TEXT NOT NULL,
    CONSTRAINT care_team_members_pkey PRIMARY KEY (care_team_id, user_id)
);
CREATE INDEX care_team_members_user_idx ON care_team_members (user_id);

-- Browser sessions. The cookie carries a random id; only its SHA-256 is kept.
CREATE TABLE web_sessions (
    id_hash       TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id),
    csrf_token    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    -- the absolute end, however active the session is
    expires_at    TEXT NOT NULL
);
CREATE INDEX web_sessions_user_idx ON web_sessions (user_id);

-- API bearer tokens, each bound to one purpose of use. Only the SHA-256 is kept.
CREATE TABLE api_tokens (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id),
    purpose     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- Failed sign-ins, counted per account name and per client address so that
-- guessing is slowed and then locked out. Keyed by the name as typed, so an
-- unknown name is throttled exactly like a known one.
CREATE TABLE sign_in_failures (
    scope          TEXT NOT NULL CHECK (scope IN ('account', 'address')),
    key            TEXT NOT NULL,
    failures       INTEGER NOT NULL,
    last_failure_at TEXT NOT NULL,
    locked_until   TEXT,
    CONSTRAINT sign_in_failures_pkey PRIMARY KEY (scope, key)
);
