-- Contacts come from somewhere accountable, and the relationship a contact
-- opens is as narrow as the contact.
--
-- A relationship that a contact opens names the team or the user it is
-- for (user_id, already there, or team_id); one naming neither grants
-- nobody anything. contact_kind is the kind of contact that opened it, so
-- a discharge can end the relationship its admission opened.
ALTER TABLE care_relationships ADD COLUMN team_id TEXT REFERENCES teams (id);
ALTER TABLE care_relationships ADD COLUMN contact_kind TEXT;

-- Registered source systems: a partner's system (a hospital's patient
-- administration system, an ambulance service's dispatch) that reports
-- contacts under its own account, a user with the role 'source-system'
-- whose username is the name its events carry as their source. `kinds`
-- are the kinds of contact it is registered to report, comma-separated,
-- each one its organisation can truthfully report.
CREATE TABLE source_systems (
    user_id     TEXT PRIMARY KEY REFERENCES users (id),
    kinds       TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
