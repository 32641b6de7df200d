//! Who is asking: passwords, browser sessions, API tokens, CSRF protection and
//! the throttling of failed sign-ins. Speaks no HTTP: each surface turns a
//! request into a caller with these functions (`api::caller`, `pages`'
//! `SignedIn` extractor) and maps an [`AuthError`] into its own answer.

use chrono::{DateTime, Utc};
use concordat_store::StoreError;

pub mod bearer;
pub mod csrf;
pub mod password;
pub mod secret;
pub mod session;
pub mod sign_in;
pub mod throttle;

/// Why a request is not taken as coming from anyone, or a sign-in failed.
/// Every failure of a sign-in looks the same from outside: the caller never
/// learns whether the username exists.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// No session, or no live token; the words say what to do.
    #[error("{0}")]
    NotSignedIn(String),
    #[error("the username or password is not right")]
    Rejected,
    #[error("too many failed sign-ins; try again after {until}")]
    Locked { until: DateTime<Utc> },
    /// A form came back without its session's token.
    #[error("the form has expired")]
    CsrfMismatch,
    #[error(transparent)]
    Store(#[from] StoreError),
}
