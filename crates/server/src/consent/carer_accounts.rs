//! Whether a nominated carer may sign in, set by the person or their care
//! team under the same rule as the rest of their sharing choices. Inviting
//! a carer makes their account (role `carer`, linked to the person) and a
//! one-time link to set a password, shown once to whoever invited them to
//! hand over; inviting again makes a new link. Withdrawing stops the
//! carer seeing anything from their next request; giving access back
//! restores what the person's choices allow.

use chrono::{DateTime, Utc};
use concordat_access::AccessAction;
use concordat_domain::ids::{PersonId, UserId};
use concordat_domain::related_person::RelatedPerson;
use concordat_domain::user::{DisplayName, User, Username};
use concordat_store::{carers as store, users};

use super::carers::admitted_carer;
use crate::accounts::make_link;
use crate::auth::secret;
use crate::authorisation::Viewer;
use crate::error::ServiceError;
use crate::AppState;

/// A carer's invitation, to hand to them once.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub carer_name: String,
    pub username: String,
    /// The secret of the link `/set-password/{secret}`; kept only hashed.
    pub secret: String,
    pub expires_at: DateTime<Utc>,
}

/// Invites `person`'s nominated carer `related` to sign in, or makes a new
/// link for the account they have.
pub async fn invite(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    related: &str,
) -> Result<Invitation, ServiceError> {
    let carer = admitted_carer(
        state,
        viewer,
        person,
        related,
        AccessAction::Write,
        |whom| format!("invited {whom} to sign in as a carer"),
    )
    .await?;
    let link = carer.carer_of();
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    let user = match store::account_of(&mut tx, link).await? {
        Some(account) => account.user,
        None => {
            let user = User::carer(
                UserId::new(),
                free_username(&mut tx, &carer).await?,
                DisplayName::parse(&carer.name().to_string())
                    .map_err(|e| ServiceError::Internal(e.to_string()))?,
                viewer.user.organisation_id(),
                link,
                false,
            );
            // A password no one knows until the carer sets theirs.
            let unknown = state
                .passwords
                .hash(&secret::new_secret())
                .await
                .map_err(|e| ServiceError::Internal(e.to_string()))?;
            users::insert_user(&mut tx, &user, &unknown, now).await?;
            user
        }
    };
    let made = make_link(&mut tx, &viewer.user, &user, now).await?;
    tx.commit().await?;
    Ok(Invitation {
        carer_name: carer.name().to_string(),
        username: user.username().as_str().to_owned(),
        secret: made.secret,
        expires_at: made.expires_at,
    })
}

/// "jean.reid", or "jean.reid2" and on when that is someone's already.
async fn free_username(
    conn: &mut concordat_store::Conn,
    carer: &RelatedPerson,
) -> Result<Username, ServiceError> {
    let base: String = format!("{}.{}", carer.name().given(), carer.name().family())
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    let base = if base.trim_matches('.').len() < 2 {
        "carer".to_owned()
    } else {
        base.trim_matches('.').chars().take(56).collect()
    };
    for n in 1..1000 {
        let raw = if n == 1 {
            base.clone()
        } else {
            format!("{base}{n}")
        };
        let Ok(name) = Username::parse(&raw) else {
            continue;
        };
        if users::user_by_username(conn, &name).await?.is_none() {
            return Ok(name);
        }
    }
    Err(ServiceError::Conflict(
        "no free username for this carer; ask an administrator".into(),
    ))
}

/// Withdraws (`withdrawn`) or gives back a carer's access to sign in and
/// see what the person chose. `NotFound` when the carer has no account.
pub async fn set_access(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    related: &str,
    withdrawn: bool,
) -> Result<(), ServiceError> {
    let done = if withdrawn {
        "withdrew the access of"
    } else {
        "gave back the access of"
    };
    let carer = admitted_carer(
        state,
        viewer,
        person,
        related,
        AccessAction::Write,
        |whom| format!("{done} {whom}"),
    )
    .await?;
    let link = carer.carer_of();
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    match store::set_withdrawn(&mut tx, link, withdrawn.then_some(now)).await {
        Err(concordat_store::StoreError::NotFound { .. }) => {
            return Err(ServiceError::Conflict(format!(
                "{} has no account yet: invite them first",
                carer.name()
            )))
        }
        other => other?,
    }
    tx.commit().await?;
    Ok(())
}
