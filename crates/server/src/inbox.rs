//! A user's inbox: the notifications Concordat writes them (a referral
//! sent to their team, a contact with someone on their caseload, an
//! escalation), how many are unread, and marking them read. Each user sees
//! only their own.

use concordat_domain::user::User;
use concordat_store::notifications;

pub use concordat_store::notifications::Notification;

use crate::error::ServiceError;
use crate::AppState;

/// `limit` of `user`'s notifications from `offset` on, newest first, and
/// whether there are more after them.
pub async fn notifications(
    state: &AppState,
    user: &User,
    offset: u32,
    limit: u32,
) -> Result<(Vec<Notification>, bool), ServiceError> {
    let mut conn = state.store.read().await?;
    let mut found = notifications::notifications_of(
        &mut conn,
        user.id(),
        i64::from(offset),
        i64::from(limit) + 1,
    )
    .await?;
    let more = found.len() > limit as usize;
    found.truncate(limit as usize);
    Ok((found, more))
}

/// What a page header shows of a user: their organisation's name and how
/// many notifications they have not read.
#[derive(Debug, Clone)]
pub struct Standing {
    pub organisation: String,
    pub unread: i64,
}

pub async fn standing(state: &AppState, user: &User) -> Result<Standing, ServiceError> {
    let mut conn = state.store.read().await?;
    let organisation =
        concordat_store::organisations::organisation_by_id(&mut conn, user.organisation_id())
            .await?
            .map(|o| o.name().to_owned())
            .unwrap_or_default();
    let unread = notifications::unread_count(&mut conn, user.id()).await?;
    Ok(Standing {
        organisation,
        unread,
    })
}

/// Marks every notification of `user` read.
pub async fn mark_read(state: &AppState, user: &User) -> Result<(), ServiceError> {
    let mut tx = state.store.write().await?;
    notifications::mark_read(&mut tx, user.id(), state.clock.now()).await?;
    tx.commit().await?;
    Ok(())
}
