//! Concordat's storage: one API over SQLite (the embedded default) and
//! PostgreSQL (partnership scale), their migrations, and the records of sign-in.
//!
//! Every function is named by intent and takes a connection (`&mut Conn`), so
//! the caller owns the transaction: pass `&mut *tx` from [`Store::write`] or
//! `&mut *conn` from [`Store::read`]. SQL is written once, in the dialect both
//! stores share (`$1` parameters, `ON CONFLICT`, `RETURNING`); what differs
//! between the stores lives in [`backend`] and nowhere else.

pub mod access_versions;
pub mod advance_choices;
pub mod agreements;
pub mod audit;
pub mod backend;
pub mod break_glass;
pub mod capacity;
pub mod care_teams;
pub mod carers;
pub mod cases;
pub mod coalesce;
pub mod consent;
pub mod contact_events;
pub mod corrections;
pub mod covered;
pub mod crisis_plans;
pub mod delivery;
pub mod error;
pub mod exports;
pub mod flags;
pub mod frequent_contact;
pub mod held_events;
pub mod jobs;
mod kept;
pub mod linkage;
pub mod look_ups;
pub mod masks;
pub mod merges;
pub mod messages;
pub mod notifications;
pub mod organisations;
pub mod outcomes;
pub mod password_links;
pub mod persons;
pub mod referrals;
pub mod relationships;
mod rows;
pub mod sessions;
pub mod source_systems;
pub mod sqlite;
pub mod teams;
#[cfg(feature = "testing")]
pub mod testing;
pub mod throttle;
pub mod time;
pub mod tokens;
mod unchanged;
pub mod users;
pub mod webhooks;
pub mod wellbeing;

pub use access_versions::AccessVersions;
pub use backend::{Backend, DatabaseUrl, Store, WriteTx};
pub use error::StoreError;

/// A connection to either store; transactions dereference to it.
pub type Conn = sqlx::AnyConnection;
