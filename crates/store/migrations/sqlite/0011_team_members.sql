-- A team's members are looked up whenever a referral is sent to the team,
-- escalated at it, or a message names it.
CREATE INDEX users_team_idx ON users (team_id);
