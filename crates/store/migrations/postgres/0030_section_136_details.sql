-- Where a person detained under section 136 was taken as a place of
-- safety, and how: recorded with the detention when its recorder says.
CREATE TABLE section_136_details (
    event_id         TEXT PRIMARY KEY REFERENCES contact_events (id),
    place_of_safety  TEXT NOT NULL,
    conveyed_by      TEXT NOT NULL
);
