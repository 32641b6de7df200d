//! The person's own view: whether they are on the list, why, what the
//! support team decided, and a way to ask for it to be looked at again.

use concordat_access::AccessAction;
use concordat_domain::frequent_contact::WORDS_MAX_CHARS;
use concordat_domain::text::paragraphs;
use concordat_store::frequent_contact::{self as store, Entry};
use concordat_store::users;

use super::terms::CATEGORY;
use crate::authorisation::Viewer;
use crate::crisis::require;
use crate::delivery::{Message, Outbox, Recipient};
use crate::error::ServiceError;
use crate::AppState;

fn own_person(viewer: &Viewer) -> Result<concordat_domain::ids::PersonId, ServiceError> {
    viewer
        .user
        .person_id()
        .ok_or_else(|| ServiceError::Forbidden("this is for a person's own account".into()))
}

/// Every entry about the viewer's own record, newest first: read through
/// the access decision as any read of their record is.
pub async fn mine(state: &AppState, viewer: &Viewer) -> Result<Vec<Entry>, ServiceError> {
    let person = own_person(viewer)?;
    require(state, viewer, person, AccessAction::Read, CATEGORY).await?;
    let mut conn = state.store.read().await?;
    Ok(store::of_person(&mut conn, person).await?)
}

/// The person asks for their current entry to be looked at again, in their
/// own words; the support team is told.
pub async fn ask_for_review(
    state: &AppState,
    viewer: &Viewer,
    words: &str,
) -> Result<Entry, ServiceError> {
    let person = own_person(viewer)?;
    if words.trim().is_empty() {
        return Err(ServiceError::invalid(
            "words",
            "Tell the support team why you would like it looked at again",
        ));
    }
    let words = paragraphs("words", words, WORDS_MAX_CHARS)
        .map_err(|e| ServiceError::invalid("words", e))?;
    require(state, viewer, person, AccessAction::Read, CATEGORY).await?;
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    let mut entry = store::current_of_person(&mut tx, person)
        .await?
        .ok_or_else(|| {
            ServiceError::Conflict("you are not on the frequent contact list now".into())
        })?;
    entry.asked_review_at = Some(now);
    entry.asked_words = words;
    store::save(&mut tx, &entry).await?;
    let mut outbox = Outbox::default();
    for member in users::users_of_team(&mut tx, entry.team).await? {
        outbox.push(
            Recipient::User(member.id()),
            Message {
                kind: "frequent-contact".into(),
                subject: "A person asks for their frequent contact entry to be reviewed".into(),
                body: "A person on the frequent contact list has asked for their entry to be \
                       looked at again. Their words are with the entry."
                    .into(),
                link: Some(format!("/frequent-contact/{}", entry.id)),
                person: Some(person),
            },
            now,
        );
    }
    outbox.flush(&mut tx, now).await?;
    tx.commit().await?;
    Ok(entry)
}

/// Whether `user` is a person with an entry about them, now or before
/// (so their home page offers it). Says nothing about anyone else.
pub async fn has_entries(
    state: &AppState,
    user: &concordat_domain::user::User,
) -> Result<bool, ServiceError> {
    let Some(person) = user.person_id() else {
        return Ok(false);
    };
    let mut conn = state.store.read().await?;
    Ok(!store::of_person(&mut conn, person).await?.is_empty())
}
