//! What a person's nominated carers may be told, topic by topic: seen and
//! set by the person or their care team, under the same rule as consent
//! directives, audited the same way. The features that tell carers ask
//! [`concordat_store::carers::may_tell`].

use chrono::{DateTime, Utc};
use concordat_access::AccessAction;
use concordat_domain::ids::{PersonId, RelatedPersonId};
use concordat_domain::related_person::RelatedPerson;
use concordat_store::capacity::CarerShare;
use concordat_store::carers::{self as store, CarerItem};
use concordat_store::{persons, Conn, StoreError};
use serde::Serialize;

use super::admission::admit;
use super::names::UserNames;
use crate::authorisation::Viewer;
use crate::error::FieldError;
use crate::error::ServiceError;
use crate::AppState;

/// One nominated carer and what they may be told.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CarerView {
    pub related_person_id: String,
    pub name: String,
    pub relationship: &'static str,
    pub topics: Vec<TopicView>,
    /// Who last changed these choices, and when; none if never set.
    pub updated_by: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
    /// Their own account, if they have been invited to sign in.
    pub account: Option<AccountView>,
}

/// A carer's own account, as the person and their care team see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccountView {
    pub username: String,
    /// When their access was withdrawn; none while they may sign in.
    pub withdrawn_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TopicView {
    pub topic: &'static str,
    pub label: &'static str,
    pub may_tell: bool,
    /// Set when a best-interests decision, not the person, lets the carer
    /// see it (`best-interests`).
    pub shared_by: Option<&'static str>,
}

async fn carer_view(
    conn: &mut Conn,
    carer: &RelatedPerson,
    names: &mut UserNames,
) -> Result<CarerView, StoreError> {
    let choices = store::sharing_of(conn, carer.person_id(), carer.id()).await?;
    let latest = choices.iter().max_by_key(|c| c.recorded_at);
    let updated_by = match latest {
        Some(c) => Some(names.get(conn, c.recorded_by).await?.0),
        None => None,
    };
    let account = store::account_of(conn, carer.carer_of())
        .await?
        .map(|a| AccountView {
            username: a.user.username().as_str().to_owned(),
            withdrawn_at: a.withdrawn_at,
        });
    Ok(CarerView {
        related_person_id: carer.id().to_string(),
        name: carer.name().to_string(),
        relationship: carer.relationship().label(),
        topics: CarerItem::CHOSEN
            .into_iter()
            .map(|topic| {
                // One row per carer and topic at most.
                let yes = choices.iter().find(|c| c.topic == topic && c.may_tell);
                TopicView {
                    topic: topic.as_str(),
                    label: topic.label(),
                    may_tell: yes.is_some(),
                    shared_by: yes
                        .map(|c| c.basis)
                        .filter(|b| *b == store::ShareBasis::BestInterests)
                        .map(store::ShareBasis::as_str),
                }
            })
            .collect(),
        updated_by,
        updated_at: latest.map(|c| c.recorded_at),
        account,
    })
}

/// The person's nominated carers with their choices.
pub(super) async fn carers_of(
    conn: &mut Conn,
    person: PersonId,
    names: &mut UserNames,
) -> Result<Vec<CarerView>, StoreError> {
    let mut out = Vec::new();
    for carer in persons::related_persons_of(conn, person)
        .await?
        .iter()
        .filter(|r| r.nominated_carer())
    {
        out.push(carer_view(conn, carer, names).await?);
    }
    Ok(out)
}

/// A nominated carer of `person`, if there is one with that id. Read (not
/// shown) before the decision so its audit entry can name the carer; a
/// malformed id names no one.
pub(super) async fn nominated_carer(
    state: &AppState,
    person: PersonId,
    raw: &str,
) -> Result<Option<RelatedPerson>, ServiceError> {
    let Ok(id) = RelatedPersonId::parse(raw) else {
        return Ok(None);
    };
    let mut conn = state.store.read().await?;
    Ok(persons::related_persons_of(&mut conn, person)
        .await?
        .into_iter()
        .find(|r| r.id() == id && r.nominated_carer()))
}

/// "what Jean Reid may be told", or the id asked about when there is no
/// such carer.
pub(super) fn whom(carer: Option<&RelatedPerson>, raw: &str) -> String {
    match carer {
        Some(carer) => carer.to_string(),
        None => format!("a nominated carer not on record (`{raw}`)"),
    }
}

/// The nominated carer `related` of `person`, once `action` on the
/// person's sharing choices is decided and audited with `note` (given the
/// carer's name, or the id asked about); a carer not on record, after
/// that, is not found.
pub(super) async fn admitted_carer(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    related: &str,
    action: AccessAction,
    note: impl FnOnce(&str) -> String,
) -> Result<RelatedPerson, ServiceError> {
    let carer = nominated_carer(state, person, related).await?;
    admit(
        state,
        viewer,
        person,
        action,
        note(&whom(carer.as_ref(), related)),
    )
    .await?;
    carer.ok_or(ServiceError::NotFound)
}

/// The items named, each once and in order; a name that is no item is a
/// fault of `field`.
pub(super) fn parse_items(field: &str, raw: &[String]) -> Result<Vec<CarerItem>, Vec<FieldError>> {
    let mut chosen = Vec::new();
    let mut errors = Vec::new();
    for name in raw {
        match CarerItem::parse_chosen(name) {
            Ok(item) if !chosen.contains(&item) => chosen.push(item),
            Ok(_) => {}
            Err(e) => errors.push(FieldError::new(field, e)),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    chosen.sort();
    Ok(chosen)
}

/// "admission, discharge", for the audit.
fn item_names(items: &[CarerItem]) -> String {
    items
        .iter()
        .map(|i| i.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What one carer may be told, audited as a look at the person's choices.
pub async fn sharing(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    related: &str,
) -> Result<CarerView, ServiceError> {
    let carer = admitted_carer(state, viewer, person, related, AccessAction::Read, |whom| {
        format!("looked at what {whom} may be told")
    })
    .await?;
    let mut conn = state.store.read().await?;
    Ok(carer_view(&mut conn, &carer, &mut UserNames::default()).await?)
}

/// Sets what one carer may be told: the topics named, and nothing else.
pub async fn set_sharing(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    related: &str,
    may_tell: &[String],
) -> Result<CarerView, ServiceError> {
    let user = &viewer.user;
    let chosen = parse_items("may_tell", may_tell).map_err(ServiceError::Invalid)?;
    let told = if chosen.is_empty() {
        "nothing".to_owned()
    } else {
        item_names(&chosen)
    };
    let carer = admitted_carer(
        state,
        viewer,
        person,
        related,
        AccessAction::Write,
        |whom| format!("chose what {whom} may be told: {told}"),
    )
    .await?;
    let choices: Vec<(CarerItem, bool)> = CarerItem::CHOSEN
        .into_iter()
        .map(|t| (t, chosen.contains(&t)))
        .collect();
    let mut tx = state.store.write().await?;
    store::set_sharing(
        &mut tx,
        person,
        carer.id(),
        &choices,
        store::ShareBasis::Person,
        user.id(),
        state.clock.now(),
    )
    .await?;
    tx.commit().await?;
    let mut conn = state.store.read().await?;
    Ok(carer_view(&mut conn, &carer, &mut UserNames::default()).await?)
}

/// What a best-interests decision shares with a nominated carer, checked
/// and admitted as a change to the person's sharing choices (their care
/// team's to make), audited with what is shared. `Ok(None)` when no carer
/// was named.
pub async fn best_interests_share(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    related: &str,
    items: &[String],
) -> Result<Option<CarerShare>, ServiceError> {
    if related.trim().is_empty() && items.is_empty() {
        return Ok(None);
    }
    let mut faults = Vec::new();
    let carer = nominated_carer(state, person, related.trim()).await?;
    if carer.is_none() {
        faults.push(FieldError::new(
            "carer",
            "choose one of the person's nominated carers, or none",
        ));
    }
    let chosen = match parse_items("carer_items", items) {
        Ok(chosen) => chosen,
        Err(errors) => {
            faults.extend(errors);
            Vec::new()
        }
    };
    if chosen.is_empty() && faults.is_empty() {
        faults.push(FieldError::new(
            "carer_items",
            "tick what the carer may see, or name no carer",
        ));
    }
    let Some(carer) = carer.filter(|_| faults.is_empty()) else {
        return Err(ServiceError::Invalid(faults));
    };
    admit(
        state,
        viewer,
        person,
        AccessAction::Write,
        format!(
            "in the person's best interests, let {carer} see: {}",
            item_names(&chosen)
        ),
    )
    .await?;
    Ok(Some(CarerShare {
        carer: carer.id(),
        items: chosen,
    }))
}
