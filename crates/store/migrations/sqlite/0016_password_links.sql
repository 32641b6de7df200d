-- One-time links with which a member of staff sets their own password: an
-- administrator makes one for a new account, or for a forgotten password.
-- Only the SHA-256 of the link's secret is kept; a link works once, until
-- it expires, and a newer link for the same account retires an older one.
CREATE TABLE password_links (
    secret_hash  TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    made_by      TEXT NOT NULL REFERENCES users (id),
    made_at      TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_at      TEXT
);
CREATE INDEX password_links_user_idx ON password_links (user_id);
