//! The person's own view: their cases, each with its lead professional,
//! its members and its actions — read through the access decision as any
//! read of their record is. Meetings' notes are the professionals' working
//! record and are not shown here.

use concordat_access::AccessAction;
use concordat_store::cases as store;

use super::terms::CATEGORY;
use super::view::{assemble, CaseView};
use crate::authorisation::Viewer;
use crate::crisis::require;
use crate::error::ServiceError;
use crate::AppState;

/// Every case about the viewer's own record, open ones first.
pub async fn mine(state: &AppState, viewer: &Viewer) -> Result<Vec<CaseView>, ServiceError> {
    let person = viewer
        .user
        .person_id()
        .ok_or_else(|| ServiceError::Forbidden("this is for a person's own account".into()))?;
    require(state, viewer, person, AccessAction::Read, CATEGORY).await?;
    let mut conn = state.store.read().await?;
    let mut views = Vec::new();
    for case in store::cases_of_person(&mut conn, person).await? {
        let members = store::members_of(&mut conn, case.id).await?;
        views.push(assemble(&mut conn, case, members, false).await?);
    }
    Ok(views)
}

/// Whether `user` is a person with a case about them, open or closed (so
/// their home page offers it). Says nothing about anyone else.
pub async fn has_cases(
    state: &AppState,
    user: &concordat_domain::user::User,
) -> Result<bool, ServiceError> {
    let Some(person) = user.person_id() else {
        return Ok(false);
    };
    let mut conn = state.store.read().await?;
    Ok(!store::cases_of_person(&mut conn, person).await?.is_empty())
}
