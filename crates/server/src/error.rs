//! The one error vocabulary of Concordat's services. Every service —
//! crisis plans, referrals, consent, governance, agreements, contact
//! events, webhooks — fails with a [`ServiceError`], and speaks no HTTP:
//! each surface turns it into its own answer in exactly one place
//! (`api::error` into problem details, `pages::error` into the error page,
//! and so would a FHIR surface into an `OperationOutcome`).
//!
//! # The error policy
//!
//! | kind | means | API | pages |
//! |---|---|---|---|
//! | [`NotFound`](ServiceError::NotFound) | no such thing — or one the caller must not learn exists | 404 | 404 |
//! | [`Denied`](ServiceError::Denied) | the access decision refused, by the named rule, a caller who already knows of the person | 403, with `rule` | 403 |
//! | [`Forbidden`](ServiceError::Forbidden) | not allowed for a reason other than the access decision (a role, a purpose) | 403 | 403 |
//! | [`Conflict`](ServiceError::Conflict) | clashes with what is stored now (someone acted first) | 409 | 409 |
//! | [`Invalid`](ServiceError::Invalid) | input that breaks a rule, by field; nothing was changed | 400, with `errors` | the form again |
//! | [`Unavailable`](ServiceError::Unavailable) | the audit log cannot be written, so no personal data may be shown or changed; clears by itself | 503, `Retry-After` | 503 |
//! | [`Internal`](ServiceError::Internal) | a fault of ours: the store | 500 | 500 |
//!
//! What is shown: the words of every kind but `Internal`, which are written
//! for the person refused ("the person has refused sharing with Northshire
//! Police"). What is logged: `Internal`'s cause, by the surface that answers
//! it, and never shown. What is never said: whether a person exists to a
//! caller with no relationship to them — services answer `NotFound` for
//! them, whatever the reason, and audit the reason instead. An audit entry
//! that cannot be written is `Unavailable`: no audit, no access, and the
//! caller is told to try again (the cause is logged, never shown).

use concordat_store::StoreError;
use serde::Serialize;

use crate::authorisation::refusal::{AccessError, Refused};
use crate::permissions::Refusal;

/// Why a service did not do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("not found")]
    NotFound,
    /// The access decision refused; `rule` is the policy that decided.
    #[error("{reason}")]
    Denied { reason: String, rule: String },
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{}", describe(.0))]
    Invalid(Vec<FieldError>),
    /// The audit log cannot be written; the cause, for the log only.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// The cause, for the log only.
    #[error("internal error: {0}")]
    Internal(String),
}

/// What a caller is told when the audit log cannot be written.
pub const UNAVAILABLE: &str = "the audit log cannot be written just now, so nothing of anyone's record is shown or changed; try again in a minute";

/// One field at fault and why, in words for the person who typed it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl ToString) -> Self {
        Self {
            field: field.to_owned(),
            message: message.to_string(),
        }
    }
}

fn describe(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

impl ServiceError {
    /// One field at fault.
    pub fn invalid(field: &str, message: impl ToString) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }
}

impl From<StoreError> for ServiceError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Duplicate { .. } => Self::Conflict(err.to_string()),
            StoreError::NotFound { .. } => Self::NotFound,
            other => Self::Internal(format!("{other}: {other:?}")),
        }
    }
}

impl From<AccessError> for ServiceError {
    fn from(err: AccessError) -> Self {
        match err {
            AccessError::Store(e) => e.into(),
            // No audit, no access: the request fails rather than answer
            // unaudited.
            AccessError::Audit(e) => {
                Self::Unavailable(format!("audit entry could not be written: {e}"))
            }
        }
    }
}

impl From<concordat_store::audit::AuditError> for ServiceError {
    fn from(err: concordat_store::audit::AuditError) -> Self {
        AccessError::Audit(err).into()
    }
}

impl From<Refused> for ServiceError {
    fn from(refused: Refused) -> Self {
        match refused {
            Refused::NotFound => Self::NotFound,
            Refused::Denied { reason, rule } => Self::Denied { reason, rule },
        }
    }
}

impl From<Refusal> for ServiceError {
    fn from(refusal: Refusal) -> Self {
        Self::Forbidden(refusal.into())
    }
}
