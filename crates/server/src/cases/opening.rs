//! Opening a case: a professional who may read the person's care team
//! opens one, leads it and is its first member. A person has one open case
//! at a time, so the partnership works to one plan.

use concordat_access::AccessAction;
use concordat_domain::case::{self, CaseStatus};
use concordat_domain::ids::PersonId;
use concordat_store::cases::{self as store, Case, Member};

use super::terms::{invalid, CATEGORY, NOTICE_KIND};
use crate::authorisation::Viewer;
use crate::crisis::require;
use crate::delivery::{Message, Outbox};
use crate::error::ServiceError;
use crate::told::tell_the_person;
use crate::AppState;

/// Opens a case about `person` for `reason`, led by the viewer. Someone
/// the viewer may not read (or no one) is [`ServiceError::NotFound`],
/// decided and audited.
pub async fn open(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    reason: &str,
) -> Result<Case, ServiceError> {
    if !viewer.user.role().is_practitioner() {
        return Err(ServiceError::Forbidden(
            "a multi-agency case is opened by a professional who works with the person".into(),
        ));
    }
    let reason = case::reason(reason).map_err(invalid)?;
    require(state, viewer, person, AccessAction::Read, CATEGORY).await?;
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    let open_already = store::cases_of_person(&mut tx, person)
        .await?
        .iter()
        .any(|c| c.status == CaseStatus::Open);
    if open_already {
        return Err(ServiceError::Conflict(
            "this person already has an open multi-agency case; its lead professional can add \
             you to it"
                .into(),
        ));
    }
    let opened = Case {
        id: uuid::Uuid::new_v4(),
        person,
        reason,
        lead: viewer.user.id(),
        status: CaseStatus::Open,
        opened_by: viewer.user.id(),
        opened_at: now,
        outcome: None,
        closing_note: String::new(),
        closed_by: None,
        closed_at: None,
    };
    store::insert_case(&mut tx, &opened).await?;
    let relationship = super::access::relationship(&opened, &viewer.user, now);
    store::insert_member(
        &mut tx,
        &Member {
            id: uuid::Uuid::new_v4(),
            case: opened.id,
            user: viewer.user.id(),
            organisation: viewer.user.organisation_id(),
            relationship: relationship.id,
            added_by: viewer.user.id(),
            added_at: now,
            ended_at: None,
        },
    )
    .await?;
    let mut outbox = Outbox::default();
    let told = Message {
        kind: NOTICE_KIND.into(),
        subject: "A multi-agency case was opened for you".into(),
        body: format!(
            "Professionals from the services that support you will work together on one plan \
             with you, led by {}. You can see who is involved and what each will do.",
            viewer.user.display_name().as_str()
        ),
        link: Some("/my/case".into()),
        person: Some(person),
    };
    tell_the_person(&mut tx, &mut outbox, person, &told, now).await?;
    outbox.flush(&mut tx, now).await?;
    tx.commit().await?;
    super::access::open(state, viewer, &opened, &viewer.user, relationship).await?;
    Ok(opened)
}
