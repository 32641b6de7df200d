//! Governance of access: claiming and reviewing break-glass, the person's own
//! access log, and the audit search for information governance. Shared by
//! the JSON API and the pages, so both say and do the same.

mod access_log;
mod break_glass;

pub use access_log::{access_log, search_audit, AccessLogItem, AuditItem, AuditQuery, SearchError};
pub use break_glass::{
    claim_break_glass, parse_deferral, record_deferral, record_review, review_queue, ClaimError,
    ClaimRequest, PersonRef, ReviewItem,
};

use concordat_store::audit::AuditError;
use concordat_store::StoreError;

use crate::access::{AccessError, Viewer};
use crate::api::ApiError;
use crate::permissions;

/// Fails unless `viewer` may govern access, for the purpose they gave.
fn governs(viewer: &Viewer) -> Result<(), GovernanceError> {
    permissions::govern_access(viewer.user.role(), viewer.purpose)
        .map_err(|refusal| GovernanceError::Forbidden(refusal.into()))
}

#[derive(Debug, thiserror::Error)]
pub enum GovernanceError {
    /// Not an information governance lead, or a purpose the audit is not
    /// opened for.
    #[error("{0}")]
    Forbidden(String),
    #[error("no such break-glass use that your organisation answers for")]
    NotFound,
    #[error("this use has already been reviewed")]
    AlreadyReviewed,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Audit(#[from] AuditError),
}

impl From<AccessError> for GovernanceError {
    fn from(err: AccessError) -> Self {
        match err {
            AccessError::Store(e) => Self::Store(e),
            AccessError::Audit(e) => Self::Audit(e),
        }
    }
}

impl From<GovernanceError> for ApiError {
    fn from(err: GovernanceError) -> Self {
        match err {
            GovernanceError::Forbidden(why) => ApiError::Forbidden(why),
            GovernanceError::NotFound => ApiError::NotFound,
            GovernanceError::AlreadyReviewed => ApiError::Conflict(err.to_string()),
            GovernanceError::Store(e) => e.into(),
            GovernanceError::Audit(e) => AccessError::Audit(e).into(),
        }
    }
}
