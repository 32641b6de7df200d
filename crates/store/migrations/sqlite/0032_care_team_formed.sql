-- When each care team was formed, so that a month's figures count a
-- team's caseload as it stood at the month's end. Teams formed before
-- this was recorded take the time their person was first recorded.
ALTER TABLE care_teams ADD COLUMN formed_at TEXT;
UPDATE care_teams SET formed_at =
    (SELECT p.created_at FROM persons p WHERE p.id = care_teams.person_id);
