//! Who may use the governance pages, and as whom they act: an information
//! governance lead, for the governance purpose.

use crate::auth::session::SignedIn;
use crate::pages::error::PageError;
use crate::pages::words::sentence;
use crate::permissions;

/// Refuses anyone who may not govern access.
pub(crate) fn governs(session: &SignedIn) -> Result<(), PageError> {
    permissions::govern_access(session.user.role(), permissions::GOVERNANCE_PURPOSE)
        .map_err(|refusal| PageError::Forbidden(sentence(refusal.as_str())))
}

/// Who acts on the governance pages, and for what purpose.
pub(crate) fn governor(session: &SignedIn) -> crate::authorisation::Viewer {
    session.viewer(permissions::GOVERNANCE_PURPOSE)
}
