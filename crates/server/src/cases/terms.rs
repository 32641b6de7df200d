//! What every part of the multi-agency case shares: the category a case is
//! read under, and how the case's own rules become the service's errors.

use concordat_domain::case::CaseError;
use concordat_domain::category::DataCategory;

use crate::error::ServiceError;

/// A case is who works with the person and what each will do — a care
/// team with a plan — so it is read under the care-team category.
pub const CATEGORY: DataCategory = DataCategory::CareTeam;

/// The kind of notification every case message is.
pub(super) const NOTICE_KIND: &str = "multi-agency-case";

pub(super) fn invalid(error: CaseError) -> ServiceError {
    match error {
        CaseError::Closed => ServiceError::Conflict(error.to_string()),
        other => ServiceError::invalid(other.field(), other),
    }
}

/// Where a case is seen.
pub(super) fn link(case: uuid::Uuid) -> String {
    format!("/cases/{case}")
}
