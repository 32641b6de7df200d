//! How a person chooses to be told of what happens to their record: always
//! in their inbox, and by email too if they give an address. Only a
//! person's own account has the choice; the email says only that there is
//! something to see (see `delivery::tell_the_person`).

use concordat_domain::role::Role;
use concordat_domain::text::EmailAddress;
use concordat_domain::user::User;
use concordat_store::users;

use crate::error::ServiceError;
use crate::AppState;

fn own_account(user: &User) -> Result<(), ServiceError> {
    if user.role() == Role::Person {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "only a person's own account chooses how it is told of its record".into(),
        ))
    }
}

/// The address `user` is told at by email, if they chose one.
pub async fn email(state: &AppState, user: &User) -> Result<Option<String>, ServiceError> {
    own_account(user)?;
    let mut conn = state.store.read().await?;
    Ok(users::notice_email(&mut conn, user.id()).await?)
}

/// Sets the address `user` is told at (checked), or with an empty one
/// stops the emails.
pub async fn set_email(state: &AppState, user: &User, raw: &str) -> Result<(), ServiceError> {
    own_account(user)?;
    let address = match raw.trim() {
        "" => None,
        raw => Some(
            EmailAddress::parse(raw)
                .map_err(|e| ServiceError::invalid("email", e))?
                .as_str()
                .to_owned(),
        ),
    };
    let mut tx = state.store.write().await?;
    users::set_notice_email(&mut tx, user.id(), address.as_deref()).await?;
    tx.commit().await?;
    Ok(())
}
