//! Who may send an event: a registered source system, under its own name,
//! of a kind it is registered to report.

use concordat_domain::user::User;

use concordat_domain::role::Role;
use concordat_domain::source_system::SourceSystem;
use concordat_domain::user::Username;
use concordat_store::{source_systems, Conn};

use super::input::{Incoming, LineError};
use crate::error::ServiceError;

/// Why a batch from anyone but a registered source system is not taken.
pub const NOT_A_SOURCE_SYSTEM: &str = "contact events come from registered source systems; \
     record a contact you attended on the person's record instead";

/// The registration of `user`, who must be a registered source system.
pub(super) async fn registration(
    conn: &mut Conn,
    user: &User,
) -> Result<SourceSystem, ServiceError> {
    if user.role() != Role::SourceSystem {
        return Err(ServiceError::Forbidden(NOT_A_SOURCE_SYSTEM.into()));
    }
    source_systems::source_system_of(conn, user.id())
        .await?
        .ok_or_else(|| ServiceError::Forbidden(NOT_A_SOURCE_SYSTEM.into()))
}

/// Whether a line is one the source system may send: under its own name,
/// of a kind it is registered for.
pub(super) fn check(
    source: &SourceSystem,
    name: &Username,
    incoming: &Incoming,
) -> Result<(), LineError> {
    if incoming.source.system != name.as_str() {
        return Err(LineError::Invalid {
            field: "source_system".into(),
            message: format!(
                "this account reports as `{}`, not `{}`",
                name.as_str(),
                incoming.source.system
            ),
        });
    }
    if !source.reports(incoming.kind) {
        let kinds: Vec<&str> = source.kinds().iter().map(|k| k.as_str()).collect();
        return Err(LineError::Invalid {
            field: "kind".into(),
            message: format!(
                "`{}` is not registered to report `{}`; it reports {}",
                name.as_str(),
                incoming.kind.as_str(),
                kinds.join(", ")
            ),
        });
    }
    Ok(())
}
