//! The information governance pages: searching the audit
//! (`/governance/audit`) and reviewing emergency overrides
//! (`/governance/break-glass`). For information governance leads only
//! ([`crate::permissions::govern_access`]); both go through
//! [`crate::governance`], as the JSON API does.

pub mod audit;
pub mod break_glass;

use super::words::sentence;
use super::PageError;
use crate::auth::session::SignedIn;
use crate::permissions;

fn governs(session: &SignedIn) -> Result<(), PageError> {
    permissions::govern_access(session.user.role(), permissions::GOVERNANCE_PURPOSE)
        .map_err(|refusal| PageError::Forbidden(sentence(refusal.as_str())))
}

/// Who acts on the governance pages, and for what purpose.
fn governor(session: &SignedIn) -> crate::authorisation::Viewer {
    session.viewer(permissions::GOVERNANCE_PURPOSE)
}
