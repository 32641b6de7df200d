//! Who may govern access: the one check before the audit search and the
//! break-glass review queue, shared by both.

use crate::authorisation::Viewer;
use crate::error::ServiceError;
use crate::permissions;

/// Fails unless `viewer` may govern access, for the purpose they gave.
pub(super) fn governs(viewer: &Viewer) -> Result<(), ServiceError> {
    Ok(permissions::govern_access(
        viewer.user.role(),
        viewer.purpose,
    )?)
}
