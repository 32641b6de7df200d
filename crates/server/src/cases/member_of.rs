//! A professional's own cases: the open cases they are a current member
//! of, so that a lead professional or a member finds each case from their
//! home page rather than by remembering whose record it hangs from. Each
//! case is shown only after the access decision lets the viewer read its
//! person's care team now (decided and audited); a refusal leaves that
//! case out, its refusal on the record.

use concordat_access::AccessAction;
use concordat_domain::user::User;
use concordat_store::cases as store;

use super::terms::CATEGORY;
use super::view::{assemble, CaseView};
use crate::authorisation::Viewer;
use crate::crisis::require;
use crate::error::ServiceError;
use crate::AppState;

/// The open cases the viewer is on, newest first (at most 100).
pub async fn member_of(state: &AppState, viewer: &Viewer) -> Result<Vec<CaseView>, ServiceError> {
    let cases = {
        let mut conn = state.store.read().await?;
        store::open_cases_of_member(&mut conn, viewer.user.id()).await?
    };
    let mut views = Vec::new();
    for case in cases {
        match require(state, viewer, case.person, AccessAction::Read, CATEGORY).await {
            Ok(_) => {}
            Err(ServiceError::Denied { .. } | ServiceError::NotFound) => continue,
            Err(other) => return Err(other),
        }
        let mut conn = state.store.read().await?;
        let members = store::members_of(&mut conn, case.id).await?;
        views.push(assemble(&mut conn, case, members, false).await?);
    }
    Ok(views)
}

/// Whether `user` is on any open case (so their home page offers the
/// list). Their own memberships only: it says nothing about anyone else.
pub async fn is_on_a_case(state: &AppState, user: &User) -> Result<bool, ServiceError> {
    let mut conn = state.store.read().await?;
    Ok(!store::open_cases_of_member(&mut conn, user.id())
        .await?
        .is_empty())
}
