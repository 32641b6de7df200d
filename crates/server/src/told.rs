//! Telling a person of what happens to their own record, and how they
//! choose to be told: always in the inbox of each of their accounts, with
//! the whole message; and by email too if they give an address, saying
//! only that there is something to see, never what (an email is read on
//! devices and by people the record is not for). Only a person's own
//! account has the choice.

use chrono::{DateTime, Utc};
use concordat_domain::ids::PersonId;
use concordat_domain::role::Role;
use concordat_domain::text::EmailAddress;
use concordat_domain::user::User;
use concordat_store::{users, Conn, StoreError};

use crate::delivery::{Message, Outbox, Recipient};
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

/// The email a person chose to be told by: it names nothing.
fn nudge(person: PersonId) -> Message {
    Message {
        kind: "record-notice".into(),
        subject: "There is something new about your record".into(),
        body: "There is something new to see about your record in Concordat. Sign in to \
               read it: your inbox says what happened, and your access log who looked and \
               why.\n\nYou chose to be told by email. You can change that under \"How we \
               tell you\" when you sign in."
            .into(),
        link: None,
        person: Some(person),
    }
}

/// Gathers `message` for each of `person`'s own accounts into `outbox`.
pub async fn tell_the_person(
    conn: &mut Conn,
    outbox: &mut Outbox,
    person: PersonId,
    message: &Message,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for account in users::accounts_of_person(conn, person).await? {
        outbox.push(Recipient::User(account.id()), message.clone(), now);
        let chosen = users::notice_email(conn, account.id()).await?;
        if let Some(address) = chosen.and_then(|a| EmailAddress::parse(&a).ok()) {
            outbox.push(Recipient::Email(address), nudge(person), now);
        }
    }
    Ok(())
}
