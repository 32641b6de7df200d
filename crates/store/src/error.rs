//! The store's error type. Callers turn `Duplicate` and `NotFound` into client
//! errors; everything else is a server fault whose detail stays in the logs.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    /// A unique rule was broken, e.g. a username that is taken.
    #[error("{what} `{value}` already exists")]
    Duplicate { what: &'static str, value: String },
    #[error("no {what} `{key}`")]
    NotFound { what: &'static str, key: String },
    /// A stored row no longer satisfies the domain's rules.
    #[error("stored {what} is not valid: {detail}")]
    Corrupt { what: &'static str, detail: String },
    #[error("database address is not usable: {0}")]
    Url(String),
    #[error("database error")]
    Database(#[from] sqlx::Error),
    #[error("migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The task making reads for several requests at once has stopped.
    #[error("the shared reader has stopped")]
    ReaderStopped,
    /// A read made for several requests at once failed; each gets this.
    #[error("a shared read failed")]
    Shared(#[source] std::sync::Arc<StoreError>),
}

impl StoreError {
    pub(crate) fn corrupt(what: &'static str, detail: impl std::fmt::Display) -> Self {
        Self::Corrupt {
            what,
            detail: detail.to_string(),
        }
    }

    /// A unique-constraint violation as [`StoreError::Duplicate`], any other
    /// error as itself.
    pub(crate) fn unique_or(err: sqlx::Error, what: &'static str, value: String) -> Self {
        if is_unique_violation(&err) {
            Self::Duplicate { what, value }
        } else {
            err.into()
        }
    }
}

/// Whether `err` is a unique-constraint violation, on either store.
pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.kind() == sqlx::error::ErrorKind::UniqueViolation)
}
