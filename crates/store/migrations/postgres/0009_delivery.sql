-- Contact events received from source systems, and delivering what they
-- (and referrals) set off: emails and text messages to people outside the
-- partnership's accounts, and webhooks to organisations' own systems.
-- Same conventions as 0001: ids and instants as text, flags as 0/1.

-- What an admission, discharge or planned-discharge-date event says about
-- the hospital stay, beside the contact event itself.
CREATE TABLE contact_event_transitions (
    event_id                TEXT PRIMARY KEY REFERENCES contact_events (id),
    planned_discharge_date  TEXT,
    ward                    TEXT,
    ward_phone              TEXT
);

-- An email or text message to send (to a nominated carer, say). The job
-- `email-delivery` / `sms-delivery` with subject_id = id sends it; each
-- attempt is in delivery_attempts.
CREATE TABLE outbound_messages (
    id          TEXT PRIMARY KEY,
    channel     TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    recipient   TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    person_id   TEXT REFERENCES persons (id),
    created_at  TEXT NOT NULL,
    sent_at     TEXT
);

-- An organisation's endpoint for events. The secret signs each delivery;
-- it is never shown again once set.
CREATE TABLE webhooks (
    id               TEXT PRIMARY KEY,
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    url              TEXT NOT NULL,
    secret           TEXT NOT NULL,
    created_by       TEXT NOT NULL REFERENCES users (id),
    created_at       TEXT NOT NULL,
    disabled         BIGINT NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))
);
CREATE INDEX webhooks_organisation_idx ON webhooks (organisation_id);

-- One event for one endpoint. The id is the idempotency key the receiver
-- sees on every attempt; the job `webhook-delivery` with subject_id = id
-- carries its state (pending, done, dead).
CREATE TABLE webhook_deliveries (
    id               TEXT PRIMARY KEY,
    webhook_id       TEXT NOT NULL REFERENCES webhooks (id),
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    event_type       TEXT NOT NULL,
    body             TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    delivered_at     TEXT
);
CREATE INDEX webhook_deliveries_organisation_idx ON webhook_deliveries (organisation_id, created_at);

-- The delivery log: one row per attempt at a webhook delivery or an
-- outbound message, whatever came of it.
CREATE TABLE delivery_attempts (
    id           TEXT PRIMARY KEY,
    channel      TEXT NOT NULL CHECK (channel IN ('webhook', 'email', 'sms')),
    delivery_id  TEXT NOT NULL,
    attempt      BIGINT NOT NULL,
    at           TEXT NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('delivered', 'failed', 'not-sent')),
    status_code  BIGINT,
    detail       TEXT NOT NULL
);
CREATE INDEX delivery_attempts_delivery_idx ON delivery_attempts (delivery_id, attempt);
