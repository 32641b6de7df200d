//! Telling a person something about their own record: in the inbox of
//! each of their accounts, with the whole message; and, where they chose
//! it, by email, saying only that there is something to see, never what
//! (an email is read on devices and by people the record is not for).

use chrono::{DateTime, Utc};
use concordat_domain::ids::PersonId;
use concordat_domain::text::EmailAddress;
use concordat_store::{users, Conn, StoreError};

use super::{Message, Outbox, Recipient};

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
