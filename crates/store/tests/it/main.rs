//! The store's integration tests: each test runs on a fresh SQLite file and a
//! fresh PostgreSQL database, through the store's public API.

mod harness;

mod audit_append_only;
mod audit_group_commit;
mod audit_queries;
mod audit_tamper;
mod shared_reads;
mod sqlite_files;
mod test_databases;
