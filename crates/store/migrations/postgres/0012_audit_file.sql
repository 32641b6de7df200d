-- On SQLite this step moves the audit log into a file of its own (see
-- src/sqlite.rs). PostgreSQL keeps it in the one database, where a commit
-- to it costs the other readers nothing; the step is kept here so that both
-- stores number their migrations alike.
SELECT 1;
